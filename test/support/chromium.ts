/** Debian's chromium, offline: never Playwright's own browser download. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Even with the flags above chromium looks up accounts.google.com, update.googleapis.com,
  // redirector.gvt1.com, content-autofill.googleapis.com: resolve nothing but the local machine.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1, EXCLUDE [::1]',
  '--disable-features=AutofillServerCommunication,OptimizationHints,Translate,MediaRouter',
  '--disable-domain-reliability',
];
