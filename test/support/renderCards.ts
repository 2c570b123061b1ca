/**
 * Renders Adaptive Cards the way a Teams phone shows them and measures what a phone user would lose.
 *
 * - Real renderer: the `adaptivecards` 3.x browser bundle (the JS renderer Teams web/desktop is based on),
 *   loaded from node_modules into Debian's chromium through playwright-core. No network: every http(s)
 *   request from the page (e.g. remote images) is aborted.
 * - One browser and one page for all cards (launch ≈ 0.5 s, then a few tens of ms per card).
 * - Card surface: a container of exactly `width` px (default 390, an iPhone 12-15 screen). The card's own
 *   padding (HostConfig spacing.padding = 16 px) is inside that width, as in Teams. The Teams chrome
 *   around a post (screen margins, avatar column) is NOT subtracted: pass a smaller width to model it.
 * - HostConfig resembling Teams mobile, light theme (see TEAMS_MOBILE_HOST_CONFIG). Serialization target
 *   version 1.5 (what Teams supports): 1.6-only properties are reported as warnings.
 * - Markdown: a small processor for the subset Teams supports in TextBlock (**bold**, _italic_, [links](url),
 *   "- " / "1. " lists, line breaks) and Teams mentions (`<at>Name</at>` shows as "Name"), so widths are
 *   measured on what the user sees, not on markup.
 * - Fonts: Segoe UI / SF / Roboto are not installed on Debian; the font stack resolves to Liberation Sans
 *   (Arial metrics: about as wide as Segoe UI / SF Pro, wider than Roboto), so measurements are
 *   realistic-to-strict.
 * - Inline Action.ShowCard cards are expanded one at a time (top level only) and measured too; findings are
 *   prefixed `[ShowCard "title"]` and each expanded state gets its own screenshot `<name>--show-<n>.png`.
 *
 * The browser-side code is a plain JS string (not a TS function passed to page.evaluate) so that it survives
 * any transform jest applies (swc helpers, coverage instrumentation).
 */
import * as fs from 'fs';
import * as path from 'path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';

export interface CardToRender {
  name: string;
  card: object;
}

export interface RenderOptions {
  /** Card surface width in CSS px (default 390). */
  width?: number;
  /** Screenshot directory (default test-artifacts/cards); a relative path is resolved from the repo root. */
  outDir?: string;
}

export interface RenderResult {
  name: string;
  /** Elements wider than the card / beyond its right edge / causing horizontal scroll (empty = fine). */
  overflowX: string[];
  /** Titles of buttons whose text is ellipsized or clipped (empty = fine). Details are in `notes`. */
  cutLabels: string[];
  /** Text (TextBlock, fact, label) cut by ellipsis or maxLines (e.g. a long TextBlock without wrap). */
  truncatedText: string[];
  /** Renderer parse / validation events (unknown types, unsupported 1.6 properties, too many actions...)
   *  and page errors. A well-formed card has none. */
  warnings: string[];
  /** Measurement details for each finding, and informational notes (e.g. blocked remote images). */
  notes: string[];
  /** Height of the rendered card in px (collapsed state). */
  heightPx: number;
  /** Absolute path of the PNG of the card (collapsed state). */
  screenshot: string;
}

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const AC_DIR = path.dirname(require.resolve('adaptivecards/package.json'));
const AC_BUNDLE = path.join(AC_DIR, 'dist', 'adaptivecards.min.js');
const AC_CSS = path.join(AC_DIR, 'dist', 'adaptivecards.css');

/** Teams' font stack; on this machine it resolves to Liberation Sans (Arial metrics). */
export const FONT_STACK =
  '"Segoe UI", "Segoe UI Web (West European)", -apple-system, BlinkMacSystemFont, Roboto, "Helvetica Neue", Arial, "Liberation Sans", sans-serif';

const fontSizes = { small: 12, default: 14, medium: 17, large: 21, extraLarge: 26 };
const fontWeights = { lighter: 200, default: 400, bolder: 600 };

const foregroundColors = {
  default: { default: '#242424', subtle: '#616161' },
  dark: { default: '#242424', subtle: '#616161' },
  light: { default: '#FFFFFF', subtle: '#F5F5F5' },
  accent: { default: '#5B5FC7', subtle: '#7579EB' },
  good: { default: '#0E700E', subtle: '#13A10E' },
  warning: { default: '#835B00', subtle: '#8A6A00' },
  attention: { default: '#C4314B', subtle: '#D13438' },
};

const containerStyle = (backgroundColor: string, borderColor: string) => ({ backgroundColor, borderColor, foregroundColors });

/** HostConfig resembling Teams mobile, light theme. */
export const TEAMS_MOBILE_HOST_CONFIG = {
  supportsInteractivity: true,
  fontTypes: {
    default: { fontFamily: FONT_STACK, fontSizes, fontWeights },
    monospace: { fontFamily: '"Cascadia Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace', fontSizes, fontWeights },
  },
  lineHeights: { small: 16, default: 20, medium: 24, large: 28, extraLarge: 34 },
  spacing: { small: 8, default: 12, medium: 16, large: 20, extraLarge: 24, padding: 16 },
  separator: { lineThickness: 1, lineColor: '#E0E0E0' },
  imageSizes: { small: 32, medium: 52, large: 100 },
  containerStyles: {
    default: containerStyle('#FFFFFF', '#E0E0E0'),
    emphasis: containerStyle('#F5F5F5', '#E0E0E0'),
    accent: containerStyle('#E8EBFA', '#C5CBFA'),
    good: containerStyle('#E7F2DA', '#BDDA9B'),
    attention: containerStyle('#FDE7E9', '#EEACB2'), // red-ish
    warning: containerStyle('#FFF4CE', '#F2D77A'), // yellow-ish
  },
  actions: {
    maxActions: 6,
    spacing: 'default',
    buttonSpacing: 8,
    showCard: { actionMode: 'inline', inlineTopMargin: 16, style: 'emphasis' },
    actionsOrientation: 'horizontal',
    actionAlignment: 'left',
    iconPlacement: 'leftOfTitle',
    iconSize: 16,
    allowTitleToWrap: false,
  },
  adaptiveCard: { allowCustomStyle: true },
  imageSet: { imageSize: 'medium', maxImageHeight: 100 },
  factSet: {
    title: { color: 'default', size: 'default', isSubtle: false, weight: 'bolder', wrap: true, maxWidth: 150 },
    value: { color: 'default', size: 'default', isSubtle: false, weight: 'default', wrap: true },
    spacing: 12,
  },
  textStyles: {
    heading: { size: 'large', weight: 'bolder', color: 'default', isSubtle: false, fontType: 'default' },
    columnHeader: { size: 'default', weight: 'bolder', color: 'default', isSubtle: false, fontType: 'default' },
  },
  textBlock: { headingLevel: 2 },
  inputs: {
    label: {
      inputSpacing: 'small',
      requiredInputs: { weight: 'bolder', suffix: ' *', suffixColor: 'attention' },
      optionalInputs: { weight: 'default' },
    },
    errorMessage: { size: 'default', color: 'attention' },
  },
};

const TEAMS_CSS = `
html, body { margin: 0; padding: 0; background: #EBEBEB; }
#host { box-sizing: border-box; background: #FFFFFF; }
.ac-pushButton, .ac-pushButton-disabled {
  box-sizing: border-box; min-height: 32px; padding: 5px 12px; border-radius: 4px;
  font-family: ${FONT_STACK}; font-size: 14px; font-weight: 600;
  background: #FFFFFF; color: #242424; border: 1px solid #D1D1D1;
}
.ac-pushButton.style-positive, .ac-pushButton.primary { background: #5B5FC7; color: #FFFFFF; border-color: #5B5FC7; }
.ac-pushButton.style-destructive { background: #FFFFFF; color: #C4314B; border-color: #C4314B; }
.ac-pushButton-disabled { color: #BDBDBD; border-color: #E0E0E0; }
.ac-input { font-family: ${FONT_STACK}; font-size: 14px; color: #242424; }
.tm-mention { font-weight: 600; color: #5B5FC7; }
.ac-pushButton.expandable:after { content: " \\25BE"; font-family: inherit; font-size: 12px; font-weight: 400; }
.ac-pushButton.expandable.expanded:after { content: " \\25B4"; font-family: inherit; font-size: 12px; font-weight: 400; }
.ac-pushButton.expanded { background: #E8EBFA; color: #242424; border-color: #5B5FC7; }
`;

/** Browser-side harness (plain ES2020, see header comment). Exposes window.__acHarness. */
const HARNESS_JS = String.raw`
(function () {
  'use strict';
  var AC = window.AdaptiveCards;
  var host = document.getElementById('host');
  var currentCard = null;
  var scope = null; // when a ShowCard is open: the root elements of its inline card

  function q(selector) {
    if (!scope) return Array.prototype.slice.call(host.querySelectorAll(selector));
    var out = [];
    scope.forEach(function (root) {
      if (root.matches(selector)) out.push(root);
      out.push.apply(out, Array.prototype.slice.call(root.querySelectorAll(selector)));
    });
    return out;
  }

  function esc(s) {
    return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  }
  function inline(s) {
    return esc(s)
      .replace(/&lt;at&gt;(.*?)&lt;\/at&gt;/g, '<span class="tm-mention">$1</span>')
      .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
      .replace(/(^|[\s(])_(\S(?:.*?\S)?)_(?=$|[\s).,;:!?])/g, '$1<em>$2</em>')
      .replace(/(^|[\s(])\*(\S(?:.*?\S)?)\*(?=$|[\s).,;:!?])/g, '$1<em>$2</em>')
      .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, '<a href="$2">$1</a>');
  }
  function markdown(text) {
    return text.split(/\r?\n[ \t]*\r?\n/).map(function (para) {
      var lines = para.split(/\r?\n/);
      if (lines.every(function (l) { return /^\s*[-*]\s+/.test(l); })) {
        return '<ul>' + lines.map(function (l) { return '<li>' + inline(l.replace(/^\s*[-*]\s+/, '')) + '</li>'; }).join('') + '</ul>';
      }
      if (lines.every(function (l) { return /^\s*\d+\.\s+/.test(l); })) {
        return '<ol>' + lines.map(function (l) { return '<li>' + inline(l.replace(/^\s*\d+\.\s+/, '')) + '</li>'; }).join('') + '</ol>';
      }
      return '<p>' + lines.map(inline).join('<br>') + '</p>';
    }).join('');
  }
  AC.AdaptiveCard.onProcessMarkdown = function (text, result) {
    result.outputHtml = markdown(text);
    result.didProcess = true;
  };

  function sourceOf(src) {
    if (!src || typeof src.getJsonTypeName !== 'function') return '';
    return ' [' + src.getJsonTypeName() + (src.id ? ' #' + src.id : '') + ']';
  }
  function eventName(e) {
    return (AC.ValidationEvent && AC.ValidationEvent[e.event]) || String(e.event);
  }

  function render(json, hostConfig, width) {
    var warnings = [];
    host.innerHTML = '';
    host.style.width = width + 'px';
    currentCard = null;
    scope = null;
    try {
      renderInto(json, hostConfig, warnings);
    } catch (err) {
      warnings.push('render error: ' + (err && err.message ? err.message : String(err)));
    }
    return warnings;
  }

  function renderInto(json, hostConfig, warnings) {
    var ctx = new AC.SerializationContext(AC.Versions.v1_5);
    var card = new AC.AdaptiveCard();
    card.hostConfig = new AC.HostConfig(hostConfig);
    card.onExecuteAction = function () {};
    card.parse(json, ctx);
    for (var i = 0; i < ctx.eventCount; i++) {
      var e = ctx.getEventAt(i);
      warnings.push('parse ' + eventName(e) + ': ' + e.message + sourceOf(e.source));
    }
    var vr = card.validateProperties();
    vr.validationEvents.forEach(function (e) {
      warnings.push('validation ' + eventName(e) + ': ' + e.message + sourceOf(e.source));
    });
    var el = card.render();
    if (el) host.appendChild(el);
    else warnings.push('render: the card rendered nothing');
    currentCard = card;
  }

  function shortText(el) {
    var t = (el.innerText || el.textContent || '').replace(/\s+/g, ' ').trim();
    return t.length > 50 ? t.slice(0, 49) + '…' : t;
  }
  function label(el) {
    var cls = Array.prototype.filter.call(el.classList, function (c) { return c.indexOf('ac-') === 0; });
    return el.tagName.toLowerCase() + (cls.length ? '.' + cls.join('.') : '');
  }
  function describe(el) {
    var parts = [];
    var cur = el;
    while (cur && cur !== host && parts.length < 4) {
      if (cur === el || cur.className && String(cur.className).indexOf('ac-') >= 0) parts.unshift(label(cur));
      cur = cur.parentElement;
    }
    var t = shortText(el);
    return parts.join(' > ') + (t ? ' "' + t + '"' : '');
  }
  function clippingAncestor(el, right) {
    for (var a = el.parentElement; a && a !== host.parentElement; a = a.parentElement) {
      var ox = getComputedStyle(a).overflowX;
      if (ox !== 'visible' && a.getBoundingClientRect().right < right - 1) return a;
    }
    return null;
  }
  function isVisible(el) {
    var r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  }

  function measure(prefix) {
    var res = { overflowX: [], cutLabels: [], truncatedText: [], notes: [] };
    var hostRect = host.getBoundingClientRect();
    var de = document.documentElement;
    if (de.scrollWidth > de.clientWidth) {
      res.overflowX.push(prefix + 'page scrolls horizontally: document scrollWidth ' + de.scrollWidth + ' > ' + de.clientWidth);
    }
    if (host.scrollWidth > host.clientWidth) {
      res.overflowX.push(prefix + 'card container scrolls horizontally: scrollWidth ' + host.scrollWidth + ' > clientWidth ' + host.clientWidth);
    }
    var reported = [];
    var all = q('*');
    for (var i = 0; i < all.length; i++) {
      var el = all[i];
      if (reported.some(function (r) { return r.contains(el); })) continue;
      var r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      var beyondRight = r.right - hostRect.right;
      var beyondLeft = hostRect.left - r.left;
      if (beyondRight > 1 || beyondLeft > 1) {
        reported.push(el);
        var clip = clippingAncestor(el, r.right);
        var msg = prefix + describe(el) + ' is ' + Math.round(r.width) + 'px wide and extends ' +
          (beyondRight > 1 ? Math.round(beyondRight) + 'px beyond the right edge' : Math.round(beyondLeft) + 'px beyond the left edge') +
          ' of the ' + Math.round(hostRect.width) + 'px card' +
          (clip ? ' (clipped by ' + label(clip) + ': content hidden)' : ' (causes horizontal scroll)');
        res.overflowX.push(msg);
      }
    }
    // Columns / containers whose content is wider than themselves and clipped (squeezed ColumnSets).
    var boxes = q('.ac-column, .ac-container, .ac-columnSet');
    for (var b = 0; b < boxes.length; b++) {
      var box = boxes[b];
      if (!isVisible(box) || reported.some(function (r) { return r.contains(box); })) continue;
      if (box.scrollWidth > box.clientWidth + 1 && getComputedStyle(box).overflowX !== 'visible') {
        reported.push(box);
        res.overflowX.push(prefix + describe(box) + ': content ' + box.scrollWidth + 'px wide is clipped to ' + box.clientWidth + 'px');
      }
    }
    // Buttons.
    var buttons = q('.ac-pushButton, .ac-pushButton-disabled');
    for (var k = 0; k < buttons.length; k++) {
      var btn = buttons[k];
      var titleEl = btn.lastElementChild || btn;
      var title = (titleEl.textContent || btn.getAttribute('aria-label') || '').trim();
      var br = btn.getBoundingClientRect();
      var reasons = [];
      if (br.width === 0 || br.height === 0) {
        // Inside a hidden element (isVisible false, shown by a ToggleVisibility) it has no box: measured expanded.
        if (getComputedStyle(btn).display !== 'none' && btn.getClientRects().length > 0) reasons.push('button has no visible size');
      } else {
        if (titleEl.scrollWidth > titleEl.clientWidth) {
          reasons.push('ellipsized: text needs ' + titleEl.scrollWidth + 'px, has ' + titleEl.clientWidth + 'px');
        } else if (btn.scrollWidth > btn.clientWidth) {
          reasons.push('clipped inside the button: content ' + btn.scrollWidth + 'px, button ' + btn.clientWidth + 'px');
        }
        var clipBtn = clippingAncestor(btn, br.right);
        if (clipBtn || br.right > hostRect.right + 1) {
          var edge = clipBtn ? clipBtn.getBoundingClientRect().right : hostRect.right;
          reasons.push(br.left >= edge ? 'hidden: entirely outside the visible strip' : 'clipped: ' + Math.round(br.right - edge) + 'px cut at the right');
        }
      }
      if (reasons.length) {
        res.cutLabels.push(title);
        res.notes.push(prefix + 'button "' + title + '" ' + reasons.join('; '));
      }
    }
    // Text cut by ellipsis / maxLines.
    var texts = q('.ac-textBlock, .ac-richTextBlock');
    for (var t = 0; t < texts.length; t++) {
      var tb = texts[t];
      if (!isVisible(tb)) continue;
      var cut = null;
      var candidates = [tb].concat(Array.prototype.slice.call(tb.children));
      for (var c = 0; c < candidates.length && !cut; c++) {
        var x = candidates[c];
        if (x.scrollWidth > x.clientWidth + 1) cut = 'width: text needs ' + x.scrollWidth + 'px, has ' + x.clientWidth + 'px';
        else if (x.scrollHeight > x.clientHeight + 2) cut = 'height: text needs ' + x.scrollHeight + 'px, has ' + x.clientHeight + 'px (maxLines)';
      }
      if (cut) {
        var txt = (tb.textContent || '').replace(/\s+/g, ' ').trim();
        res.truncatedText.push(prefix + txt);
        res.notes.push(prefix + describe(tb) + ' truncated in ' + cut);
      }
    }
    if (q('.ac-pushButton[aria-label="More options"], .ac-pushButton[title="More options"]').length) {
      res.notes.push(prefix + 'some actions are in the "..." overflow menu');
    }
    return res;
  }

  function showCardButtons() {
    return Array.prototype.filter.call(host.querySelectorAll('.ac-pushButton.expandable'), isVisible);
  }

  window.__acHarness = {
    render: render,
    measure: measure,
    height: function () { return Math.ceil(host.getBoundingClientRect().height); },
    pageWidth: function () { return Math.max(document.documentElement.scrollWidth, host.scrollWidth); },
    showCardCount: function () { return showCardButtons().length; },
    toggleShowCard: function (i) {
      var btn = showCardButtons()[i];
      if (!btn) return null;
      var before = new Set(host.querySelectorAll('*'));
      btn.click();
      var added = Array.prototype.filter.call(host.querySelectorAll('*'), function (e) { return !before.has(e); });
      var addedSet = new Set(added);
      scope = added.length ? added.filter(function (e) { return !addedSet.has(e.parentElement); }) : null;
      return (btn.lastElementChild || btn).textContent.trim();
    },
  };
})();
`;

const PAGE_HTML = '<!doctype html><html lang="fr"><head><meta charset="utf-8"></head><body><div id="host"></div></body></html>';

interface Measured {
  overflowX: string[];
  cutLabels: string[];
  truncatedText: string[];
  notes: string[];
}

function safeFileName(name: string): string {
  return name.replace(/[^\p{L}\p{N}._-]+/gu, '_').slice(0, 150) || 'card';
}

/** Renders every card in one headless chromium and measures overflow / cut labels / truncated text. */
export async function renderCards(cards: CardToRender[], opts: RenderOptions = {}): Promise<RenderResult[]> {
  const width = opts.width ?? 390;
  const outDir = path.resolve(REPO_ROOT, opts.outDir ?? path.join('test-artifacts', 'cards'));
  fs.mkdirSync(outDir, { recursive: true });

  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width, height: 900 }, deviceScaleFactor: 1, locale: 'fr-CA' });
    const pageMessages: string[] = [];
    const blocked: string[] = [];
    page.on('console', (m) => {
      const text = m.text();
      if ((m.type() === 'error' || m.type() === 'warning') && !text.startsWith('Failed to load resource')) {
        pageMessages.push(`console ${m.type()}: ${text}`);
      }
    });
    page.on('pageerror', (e) => pageMessages.push(`page error: ${e.message}`));
    await page.route(/^(https?|wss?|ftp):/i, async (route) => {
      blocked.push(route.request().url());
      await route.abort('blockedbyclient');
    });
    await page.setContent(PAGE_HTML);
    await page.addStyleTag({ path: AC_CSS });
    await page.addStyleTag({ content: TEAMS_CSS });
    await page.addScriptTag({ path: AC_BUNDLE });
    await page.addScriptTag({ content: HARNESS_JS });
    // String expressions, not functions: a function passed to page.evaluate is serialized with whatever
    // jest's transform injected into it (coverage counters would throw ReferenceError in the page).
    const call = <T>(fn: string, ...args: unknown[]): Promise<T> =>
      page.evaluate(`window.__acHarness.${fn}(${args.map((a) => JSON.stringify(a)).join(', ')})`) as Promise<T>;

    const results: RenderResult[] = [];
    const usedNames = new Set<string>();
    for (const { name, card } of cards) {
      pageMessages.length = 0;
      blocked.length = 0;
      let base = safeFileName(name);
      for (let n = 2; usedNames.has(base); n++) base = `${safeFileName(name)}-${n}`;
      usedNames.add(base);

      const warnings = await call<string[]>('render', card, TEAMS_MOBILE_HOST_CONFIG, width);
      const measure = (prefix: string): Promise<Measured> => call<Measured>('measure', prefix);
      const snap = async (file: string): Promise<void> => {
        const h = await call<number>('height');
        const w = await call<number>('pageWidth');
        // Wider than the card when something overflows visibly, so the overflow shows in the picture.
        await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y: 0, width: Math.max(width, w), height: Math.max(1, h) } });
      };

      const m = await measure('');
      const heightPx = await call<number>('height');
      const screenshot = path.join(outDir, `${base}.png`);
      await snap(screenshot);

      const count = await call<number>('showCardCount');
      for (let i = 0; i < count; i++) {
        const toggle = (): Promise<string | null> => call<string | null>('toggleShowCard', i);
        const title = await toggle();
        if (title === null) continue;
        const sm = await measure(`[ShowCard "${title}"] `);
        m.overflowX.push(...sm.overflowX);
        m.cutLabels.push(...sm.cutLabels);
        m.truncatedText.push(...sm.truncatedText);
        m.notes.push(...sm.notes);
        await snap(path.join(outDir, `${base}--show-${i + 1}.png`));
        await toggle(); // collapse
      }
      // Elements hidden until a ToggleVisibility shows them (« Plus de détails »): rendered and measured shown.
      const expanded = withHiddenShown(card);
      if (expanded) {
        await call<string[]>('render', expanded, TEAMS_MOBILE_HOST_CONFIG, width);
        const em = await measure('[expanded] ');
        m.overflowX.push(...em.overflowX);
        m.cutLabels.push(...em.cutLabels);
        m.truncatedText.push(...em.truncatedText);
        m.notes.push(...em.notes);
        await snap(path.join(outDir, `${base}--expanded.png`));
      }
      // Findings of the collapsed card appear again when a ShowCard is open: keep each once.
      m.overflowX = dedupeShowCard(m.overflowX);
      m.truncatedText = dedupeShowCard(m.truncatedText);
      m.notes = dedupeShowCard(m.notes);

      if (blocked.length > 0) m.notes.push(`blocked ${blocked.length} network request(s) (offline renderer): ${[...new Set(blocked)].slice(0, 3).join(', ')}`);
      results.push({
        name,
        overflowX: m.overflowX,
        cutLabels: m.cutLabels,
        truncatedText: m.truncatedText,
        warnings: [...warnings, ...pageMessages],
        notes: m.notes,
        heightPx,
        screenshot,
      });
    }
    return results;
  } finally {
    await browser.close();
  }
}

/** The card with every `isVisible: false` element shown, or undefined when it hides nothing. */
function withHiddenShown(card: object): object | undefined {
  const json = JSON.stringify(card);
  if (!json.includes('"isVisible":false')) return undefined;
  return JSON.parse(json.replace(/"isVisible":false/g, '"isVisible":true'));
}

/** Drops `[ShowCard "x"] msg` when `msg` (a finding of the collapsed card, e.g. page scroll) is already listed. */
function dedupeShowCard(list: string[]): string[] {
  const plain = new Set(list.filter((s) => !s.startsWith('[ShowCard ')));
  return list.filter((s) => {
    const stripped = s.replace(/^\[ShowCard "[^"]*"\] /, '');
    return s === stripped || !plain.has(stripped);
  });
}

/** Every phone-width problem of these cards (overflow, cut button label, renderer warning), one line each. */
export async function phoneProblems(cards: CardToRender[]): Promise<string[]> {
  const results = await renderCards(cards, { width: 390 });
  return results.flatMap((r) => [
    ...r.overflowX.map((o) => `${r.name}: overflow ${o}`),
    ...r.cutLabels.map((l) => `${r.name}: cut label ${l}`),
    ...r.warnings.map((w) => `${r.name}: warning ${w}`),
  ]);
}
