// <modem-flash>: embeds the modemflash wizard in a vendor's page.
//
//   <script src="https://flash.example/modem-flash.js" defer></script>
//   <modem-flash accent="#aa0000" manifest="firmware/manifest.json" public-key="…base64…"></modem-flash>
//
// It inserts an <iframe allow="serial; usb"> of the page this script came from, passes the
// colour attributes (accent, accent-fg, bg, fg, card, border) as URL parameters, the
// vendor's firmware manifest (docs/manifest.md; a relative address is taken from this page)
// and the public key its signature must match as ?manifest=…&key=…, and
// re-dispatches what the wizard posts as DOM events on the element:
//   state    detail.state: start, identifying, identified, no-modem, confirming, updating, done, stopped
//   progress detail.percent: 0–100, in steps of 10
//   done     detail.version: the firmware the modem now runs
//   error    detail.message: why the update stopped
const APP = new URL('./', document.currentScript?.src ?? location.href);
const COLOURS = ['accent', 'accent-fg', 'bg', 'fg', 'card', 'border'];

class ModemFlash extends HTMLElement {
  connectedCallback() {
    if (this.frame) return;
    const src = new URL(APP);
    for (const name of COLOURS) {
      const value = this.getAttribute(name);
      if (value) src.searchParams.set(name, value);
    }
    const manifest = this.getAttribute('manifest');
    if (manifest) src.searchParams.set('manifest', new URL(manifest, document.baseURI).href);
    const key = this.getAttribute('public-key');
    if (key) src.searchParams.set('key', key);
    this.frame = document.createElement('iframe');
    this.frame.src = src.href;
    this.frame.allow = 'serial; usb';
    this.frame.title = this.getAttribute('title') ?? 'Modem firmware update';
    this.frame.style.cssText = 'width:100%;min-height:40rem;border:0;';
    this.append(this.frame);
    this.listener = (event) => {
      if (event.source !== this.frame.contentWindow || event.origin !== APP.origin) return;
      const { source, type, ...detail } = event.data ?? {};
      if (source !== 'modemflash') return;
      this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true }));
    };
    addEventListener('message', this.listener);
  }

  disconnectedCallback() {
    removeEventListener('message', this.listener);
    this.frame?.remove();
    this.frame = null;
  }
}

customElements.define('modem-flash', ModemFlash);
