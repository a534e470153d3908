// In-page helpers for the webview tests (init script). Plain browser JavaScript: the tests'
// TypeScript has no DOM types, so what needs the DOM lives here and returns plain data.
(() => {
  const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())));

  /** Parses rgb()/rgba()/color(srgb …) as getComputedStyle reports them → [r, g, b, a] (0–255, 0–1). */
  const parseColor = (c) => {
    let m = /^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/.exec(c);
    if (m) return [+m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4]];
    m = /^color\(srgb ([\d.e-]+) ([\d.e-]+) ([\d.e-]+)(?: \/ ([\d.e-]+))?\)$/.exec(c);
    if (m) return [m[1] * 255, m[2] * 255, m[3] * 255, m[4] === undefined ? 1 : +m[4]];
    throw new Error(`unparsed colour ${c}`);
  };
  const over = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat(1);
  };
  const luminance = (rgb) => {
    const ch = rgb.slice(0, 3).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
  };
  /** The colour behind an element: its background over its ancestors' backgrounds. */
  const effectiveBackground = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) layers.push(parseColor(getComputedStyle(e).backgroundColor));
    let bg = [255, 255, 255, 1]; // the canvas under the page
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    return bg;
  };
  /** Sorted classes, so trees built in different orders compare equal. */
  const normalizedHtml = (el) => {
    const clone = el.cloneNode(true);
    for (const e of [clone, ...clone.querySelectorAll('[class]')]) {
      const sorted = [...e.classList].sort().join(' ');
      if (sorted) e.setAttribute('class', sorted);
      else e.removeAttribute('class');
    }
    return clone.innerHTML;
  };

  window.__probe = {
    frame,
    /** Posts a host message; resolves once the panel has rendered all of it (it spreads big batches over frames). */
    async send(msg) {
      const seen = new Promise((r) => window.addEventListener('message', () => r(), { once: true }));
      window.postMessage(msg, '*');
      await seen;
      await frame();
      while (document.querySelector('[aria-busy="true"]')) await frame();
    },
    /** For each element of a segment: id, classes, text, colours. */
    segments(selector = '#sr-trace [data-seg]') {
      return [...document.querySelectorAll(selector)].map((el) => {
        const cs = getComputedStyle(el);
        return {
          seg: Number(el.dataset.seg),
          classes: [...el.classList],
          text: el.textContent,
          tex: [...el.querySelectorAll('annotation[encoding="application/x-tex"]')].map((a) => a.textContent),
          underlineStyle: cs.borderBottomStyle,
          underlineColor: parseColor(cs.borderBottomColor),
          background: parseColor(cs.backgroundColor),
        };
      });
    },
    /** WCAG contrast of the text of the first element matching selector against what is behind it. */
    contrast(selector) {
      const el = document.querySelector(selector);
      if (!el) throw new Error(`no element ${selector}`);
      const fg = over(parseColor(getComputedStyle(el).color), effectiveBackground(el));
      const [a, b] = [luminance(fg), luminance(effectiveBackground(el))].sort((x, y) => y - x);
      return (a + 0.05) / (b + 0.05);
    },
    style(selector, props, pseudo) {
      const el = document.querySelector(selector);
      if (!el) throw new Error(`no element ${selector}`);
      const cs = getComputedStyle(el, pseudo);
      const out = {};
      for (const p of props) out[p] = cs.getPropertyValue(p);
      return out;
    },
    color(selector, prop) {
      const el = document.querySelector(selector);
      if (!el) throw new Error(`no element ${selector}`);
      return parseColor(getComputedStyle(el).getPropertyValue(prop));
    },
    /** TeX source of every typeset formula under selector, in document order. */
    tex(selector) {
      return [...document.querySelectorAll(`${selector} annotation[encoding="application/x-tex"]`)].map((a) => a.textContent);
    },
    text(selector) {
      const el = document.querySelector(selector);
      return el ? el.textContent : null;
    },
    /** Text a reader sees: without KaTeX's visually hidden MathML copy (which holds the TeX source). */
    visibleText(selector) {
      const el = document.querySelector(selector);
      if (!el) throw new Error(`no element ${selector}`);
      const skipMathml = (n) => (n.nodeType === 1 && n.classList.contains('katex-mathml') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT);
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, { acceptNode: skipMathml });
      let text = '';
      for (let n = walker.nextNode(); n; n = walker.nextNode()) if (n.nodeType === 3) text += n.data;
      return text;
    },
    /**
     * What a reader sees tinted as offloaded: the visible text of every `.sr-big` element that is
     * not inside another, in document order, with the segment that owns it.
     */
    tinted(selector) {
      const skipMathml = (n) => (n.nodeType === 1 && n.classList.contains('katex-mathml') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT);
      const visible = (el) => {
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, { acceptNode: skipMathml });
        let text = '';
        for (let n = walker.nextNode(); n; n = walker.nextNode()) if (n.nodeType === 3) text += n.data;
        return text;
      };
      return [...document.querySelectorAll(`${selector} .sr-big`)]
        .filter((el) => !el.parentElement.closest('.sr-big') && !el.closest('.sr-legend') && !el.closest('.katex-mathml'))
        .map((el) => ({ seg: Number(el.dataset.seg), text: visible(el), background: getComputedStyle(el).backgroundColor }));
    },
    count(selector) {
      return document.querySelectorAll(selector).length;
    },
    visible(selector) {
      const el = document.querySelector(selector);
      if (!el) return false;
      const r = el.getBoundingClientRect();
      // checkVisibility also sees content-visibility: hidden (how <details> hides its content).
      return r.width > 0 && r.height > 0 && el.checkVisibility({ contentVisibilityAuto: true, visibilityProperty: true });
    },
    rect(selector) {
      const el = document.querySelector(selector);
      if (!el) throw new Error(`no element ${selector}`);
      const r = el.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width, height: r.height };
    },
    /** Vertical centre of the first leaf under `within` whose text is exactly `text`. */
    leafTop(within, text) {
      const root = document.querySelector(within);
      if (!root) throw new Error(`no element ${within}`);
      const leaf = [...root.querySelectorAll('.katex-html span')].find((s) => s.children.length === 0 && s.textContent === text);
      if (!leaf) throw new Error(`no leaf "${text}" in ${within}`);
      const r = leaf.getBoundingClientRect();
      return (r.top + r.bottom) / 2;
    },
    normalizedHtml(selector) {
      const el = document.querySelector(selector);
      if (!el) throw new Error(`no element ${selector}`);
      return normalizedHtml(el);
    },
    /**
     * Everything under selector that could run code or reach out: elements that execute or load,
     * event-handler attributes, javascript: URLs.
     */
    dangerous(selector) {
      const bad = [];
      const tags = new Set([
        'SCRIPT',
        'IMG',
        'IFRAME',
        'OBJECT',
        'EMBED',
        'A',
        'FORM',
        'INPUT',
        'BUTTON',
        'LINK',
        'STYLE',
        'META',
        'BASE',
        'VIDEO',
        'AUDIO',
        'SOURCE',
        'FOREIGNOBJECT',
        'USE',
        'IMAGE',
      ]);
      for (const el of document.querySelectorAll(`${selector} *`)) {
        if (tags.has(el.tagName.toUpperCase())) bad.push(`<${el.tagName}>`);
        for (const a of el.attributes) {
          if (/^on/i.test(a.name)) bad.push(`${el.tagName}[${a.name}]`);
          if (/javascript:/i.test(a.value) && a.name !== 'title') bad.push(`${el.tagName}[${a.name}=${a.value.slice(0, 40)}]`);
        }
      }
      return bad;
    },
    /** Time until the panel has rendered one more message (ms): how responsive it still is. */
    async roundTrip(msg) {
      const t0 = performance.now();
      await window.__probe.send(msg);
      return performance.now() - t0;
    },
    /** Families of the web fonts that loaded (KaTeX's load lazily, as formulas use them). */
    async fontsLoaded() {
      await document.fonts.ready;
      return [...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family);
    },
    /** Remembers the element and its descendant nodes, to tell later whether it was re-rendered. */
    tag(selector) {
      const el = document.querySelector(selector);
      if (!el) throw new Error(`no element ${selector}`);
      window.__srTagged = { el, nodes: [...el.querySelectorAll('*')], text: el.textContent };
      return el.textContent;
    },
    /**
     * Whether the tagged element is still in the document with the very same descendant nodes
     * (a re-render would create new ones) and the same text. Classes may change.
     */
    taggedUntouched() {
      const { el, nodes, text } = window.__srTagged;
      const now = [...el.querySelectorAll('*')];
      const sameNodes = now.length === nodes.length && now.every((n, i) => n === nodes[i]);
      return { connected: el.isConnected, sameNodes, sameText: el.textContent === text };
    },
    /** Renders through the notebook renderer the page loaded. */
    renderNotebook(events, mime) {
      const out = document.getElementById('output');
      return window.__renderer.renderOutputItem({ id: 'cell-1', mime, json: () => events }, out);
    },
  };
})();
