//! "Write only these partitions" (issue 3: dashboard and WebUI customisation): which
//! partitions of the verified file the person leaves ticked in the confirmation, and
//! the `only` that makes of the job. The engine does the rest exactly as for the CLI's
//! `flash --only`: `flasher::Plan::new` selects them by code, the journal resumes them,
//! and a partial plan expects no new version after the restart (the stick keeps its
//! old firmware for what was left out). Pure and native-tested.

use crate::firmware_view::{FirmwareView, PartitionRow};

/// The partitions left out, by position in the file; none by default (all ticked).
/// Kept by the wizard for one verified file and reset when another is chosen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PartitionChoice {
    left_out: Vec<usize>,
}

impl PartitionChoice {
    /// Whether `view` offers the choice: two partitions or more, each with a code of
    /// its own for the plan to select it by. Balong files and Qualcomm packages do; a
    /// Sierra `.spk` is written as one piece.
    pub fn offered(view: &FirmwareView) -> bool {
        let codes = || view.partitions.iter().map(|p| p.code.as_str());
        view.passed
            && view.partitions.len() > 1
            && codes().all(|code| !code.is_empty())
            && codes().enumerate().all(|(i, code)| !codes().skip(i + 1).any(|other| other == code))
    }

    /// Whether the partition at `index` is ticked.
    pub fn is_ticked(&self, index: usize) -> bool {
        !self.left_out.contains(&index)
    }

    /// Ticks or unticks the partition at `index`.
    pub fn set(&mut self, index: usize, ticked: bool) {
        self.left_out.retain(|&i| i != index);
        if !ticked {
            self.left_out.push(index);
        }
    }

    /// The partitions of `view` that will be written, in the file's order.
    pub fn chosen<'a>(&'a self, view: &'a FirmwareView) -> impl Iterator<Item = &'a PartitionRow> + 'a {
        view.partitions.iter().enumerate().filter(|(i, _)| self.is_ticked(*i)).map(|(_, p)| p)
    }

    /// Whether every partition of `view` is ticked: the whole file is written.
    pub fn is_whole(&self, view: &FirmwareView) -> bool {
        self.chosen(view).count() == view.partitions.len()
    }

    /// Whether some partitions of `view` are left out (and at least one is ticked).
    pub fn is_partial(&self, view: &FirmwareView) -> bool {
        let count = self.chosen(view).count();
        count > 0 && count < view.partitions.len()
    }

    /// Whether nothing of `view` is ticked: there is nothing to write.
    pub fn is_empty(&self, view: &FirmwareView) -> bool {
        self.chosen(view).next().is_none()
    }

    /// Bytes the chosen partitions send to the modem.
    pub fn bytes(&self, view: &FirmwareView) -> u64 {
        self.chosen(view).map(|p| p.bytes).sum()
    }

    /// The job's `only`: the chosen partitions' codes (`0x00560000`), or `None` when
    /// every partition is ticked, so a whole update still has its version confirmed.
    /// Nothing ticked gives an empty list, which the plan refuses before a byte is sent.
    pub fn only(&self, view: &FirmwareView) -> Option<Vec<String>> {
        (!self.is_whole(view)).then(|| self.chosen(view).map(|p| format!("0x{}", p.code)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;
    use modemflash_core::flasher::{Journal, Plan, PlanError};
    use modemflash_core::image::{inspect, InspectOptions, Inspection, Selection};
    use modemflash_sim::image::qualcomm::stick_package;
    use modemflash_sim::image::update::stick_update;
    use modemflash_sim::profile::{E3372H, ZTE_MF626};

    fn e3372h_update() -> (Inspection, FirmwareView) {
        let file = stick_update(&E3372H, "22.333.01.00.00", 50_000).build();
        let inspection = block_on(inspect(&mut file.as_slice(), &InspectOptions::default())).unwrap();
        let view = FirmwareView::new("update.bin", &inspection);
        (inspection, view)
    }

    #[test]
    fn all_ticked_writes_the_whole_file_and_keeps_the_version_check() {
        let (inspection, view) = e3372h_update();
        let choice = PartitionChoice::default();
        assert!(PartitionChoice::offered(&view));
        assert_eq!(choice.only(&view), None);
        assert!(!choice.is_partial(&view));
        let plan = Plan::new(&inspection, choice.only(&view).as_deref(), &Journal::default()).unwrap();
        assert_eq!(choice.bytes(&view), plan.bytes_to_write);
        assert_eq!(plan.expected_version.as_deref(), Some("22.333.01.00.00"));
    }

    #[test]
    fn only_the_webui_plans_the_webui_alone_without_a_version_to_expect() {
        let (inspection, view) = e3372h_update();
        let mut choice = PartitionChoice::default();
        for index in 0..view.partitions.len() {
            choice.set(index, view.partitions[index].name == "WEBUI");
        }
        assert!(choice.is_partial(&view));
        assert_eq!(choice.only(&view), Some(vec!["0x00560000".to_string()]));
        let plan = Plan::new(&inspection, choice.only(&view).as_deref(), &Journal::default()).unwrap();
        let names: Vec<_> = plan.partitions.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["WEBUI"]);
        assert_eq!(choice.bytes(&view), plan.bytes_to_write);
        assert_eq!(plan.expected_version, None, "the stick keeps its firmware version");
    }

    #[test]
    fn unticking_everything_leaves_nothing_to_write_and_ticking_again_restores_it() {
        let (inspection, view) = e3372h_update();
        let mut choice = PartitionChoice::default();
        (0..view.partitions.len()).for_each(|i| choice.set(i, false));
        assert!(choice.is_empty(&view));
        assert!(!choice.is_partial(&view) && !choice.is_whole(&view));
        assert_eq!(choice.bytes(&view), 0);
        assert_eq!(choice.only(&view), Some(Vec::new()), "not None, which would write everything");
        let refused = Plan::new(&inspection, choice.only(&view).as_deref(), &Journal::default());
        assert_eq!(refused, Err(PlanError::Empty));
        choice.set(2, true);
        choice.set(2, true);
        assert_eq!(choice.chosen(&view).map(|p| p.name.as_str()).collect::<Vec<_>>(), ["Kernel"]);
        (0..view.partitions.len()).for_each(|i| choice.set(i, true));
        assert_eq!(choice, PartitionChoice::default());
        assert!(choice.is_whole(&view));
    }

    #[test]
    fn a_qualcomm_package_offers_the_choice_by_table_index() {
        let zip = stick_package(&ZTE_MF626, "BD_P673A2V1.0.1B02", 200_000).zip();
        let selection = block_on(Selection::of_file(zip.as_slice(), &InspectOptions::default())).unwrap();
        let inspection = selection.for_flashing();
        let view = FirmwareView::new("mf626.zip", &inspection);
        assert!(PartitionChoice::offered(&view));
        let mut choice = PartitionChoice::default();
        let amss = view.partitions.iter().position(|p| p.name == "0:AMSS").unwrap();
        (0..view.partitions.len()).for_each(|i| choice.set(i, i == amss));
        let plan = Plan::new(&inspection, choice.only(&view).as_deref(), &Journal::default()).unwrap();
        assert_eq!(plan.partitions.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["0:AMSS"]);
        assert_eq!(choice.bytes(&view), plan.bytes_to_write);
    }

    #[test]
    fn a_file_of_one_partition_or_without_codes_offers_no_choice() {
        let (_, mut view) = e3372h_update();
        let mut one = view.clone();
        one.partitions.truncate(1);
        assert!(!PartitionChoice::offered(&one));
        let mut twin = view.clone();
        twin.partitions[1].code = twin.partitions[0].code.clone();
        assert!(!PartitionChoice::offered(&twin), "a shared code would select both");
        view.partitions[3].code.clear();
        assert!(!PartitionChoice::offered(&view));
    }
}
