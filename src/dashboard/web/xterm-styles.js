// @ts-check
/**
 * xterm.js writes its layout and theme CSS into `<style>` elements it creates, and the
 * dashboard's Content-Security-Policy (style-src 'self', no 'unsafe-inline') refuses
 * those — even empty ones. While a terminal lives, this hands xterm an inert stand-in
 * (a `<template>`, never rendered) for each `<style>` it asks for, and puts the text it
 * writes into a constructed stylesheet adopted by the document: CSSOM, which the policy
 * allows, so the policy stays strict and nothing is reported.
 */

/**
 * Starts routing `doc.createElement('style')`. `dispose()` restores createElement and
 * drops the adopted sheets. Idempotent dispose.
 * @param {Document} doc
 * @returns {{ dispose(): void }}
 */
export function routeStyleElements(doc) {
  const original = doc.createElement;
  /** @type {CSSStyleSheet[]} */
  const sheets = [];
  const drop = (/** @type {CSSStyleSheet} */ sheet) => {
    doc.adoptedStyleSheets = doc.adoptedStyleSheets.filter((s) => s !== sheet);
  };
  /** @type {any} */
  const patched = function (/** @type {string} */ tag, /** @type {ElementCreationOptions | undefined} */ options) {
    if (String(tag).toLowerCase() !== 'style') return original.call(doc, tag, options);
    const stand = original.call(doc, 'template');
    const sheet = new CSSStyleSheet();
    sheets.push(sheet);
    doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
    let text = '';
    Object.defineProperty(stand, 'textContent', {
      configurable: true,
      get: () => text,
      set: (/** @type {unknown} */ v) => {
        text = v === null || v === undefined ? '' : String(v);
        sheet.replaceSync(text);
      },
    });
    const remove = stand.remove.bind(stand);
    stand.remove = () => {
      drop(sheet);
      remove();
    };
    return stand;
  };
  doc.createElement = patched;
  let disposed = false;
  return {
    dispose() {
      if (disposed) return;
      disposed = true;
      if (doc.createElement === patched) doc.createElement = original;
      doc.adoptedStyleSheets = doc.adoptedStyleSheets.filter((s) => !sheets.includes(s));
    },
  };
}
