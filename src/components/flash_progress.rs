//! The job under way: stage list, partition and overall progress, speed and time left.

use leptos::prelude::*;

use crate::job_view::{one_decimal, JobView, StageStatus};
use crate::tr::Tr;

/// Renders the job's progress; announces stage changes to screen readers.
#[component]
pub fn FlashProgress(#[prop(into)] job: Signal<JobView>) -> impl IntoView {
    // A memo notifies only when the tens change: the live region speaks once per step.
    let announced = Memo::new(move |_| job.with(JobView::announced_percent));
    let tr = Tr::get();
    let title = move || job.with(|j| j.current().map(|s| s.title())).unwrap_or_else(tr.t("progress.preparing"));
    view! {
        <section class="flash-progress" aria-labelledby="progress-title" data-testid="progress">
            <h2 id="progress-title" aria-live="polite" data-testid="current-stage">{title}</h2>
            <label for="overall-progress">{tr.t("progress.whole")}</label>
            <progress id="overall-progress" max="100" value=move || job.with(|j| one_decimal(j.percent()))></progress>
            <label for="partition-progress">{tr.t("progress.part")}</label>
            <progress id="partition-progress" max="100" value=move || job.with(|j| one_decimal(j.partition_percent()))></progress>
            <p class="visually-hidden" role="status" data-testid="progress-announcement">
                {move || tr.format("progress.announced", &[("percent", &announced.get().to_string())])}
            </p>
            <p class="speed" data-testid="speed">{move || job.with(JobView::speed_text)}</p>
            <ol class="stages" data-testid="stages">
                {move || {
                    job.with(|j| {
                        j.stages
                            .iter()
                            .map(|row| {
                                let (class, label) = match row.status {
                                    StageStatus::Pending => ("pending", "progress.pending"),
                                    StageStatus::Active => ("active", "progress.active"),
                                    StageStatus::Done => ("done", "progress.done"),
                                    StageStatus::Skipped => ("skipped", "progress.skipped"),
                                };
                                view! {
                                    <li class=class>
                                        {row.stage.title()}
                                        <span class="visually-hidden">" " {tr.t(label)}</span>
                                    </li>
                                }
                            })
                            .collect_view()
                    })
                }}
            </ol>
        </section>
    }
}
