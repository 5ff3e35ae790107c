// @ts-check
/** Sizing an xterm.js terminal to its box, and loading its stylesheet once. */

/**
 * Resizes `term` to as many columns and rows as fit in `box`, from the size of one cell
 * (the rendered screen's size over the current columns and rows). Does nothing while the
 * terminal is not laid out (hidden, zero-sized).
 * @param {any} term an xterm Terminal, opened in `box`
 * @param {HTMLElement} box
 */
export function fitTerminal(term, box) {
  const screen = box.querySelector('.xterm-screen');
  if (!(screen instanceof HTMLElement) || !term.cols || !term.rows) return;
  const rect = screen.getBoundingClientRect();
  const cellWidth = rect.width / term.cols;
  const cellHeight = rect.height / term.rows;
  if (!(cellWidth > 0 && cellHeight > 0)) return;
  const style = getComputedStyle(box);
  const width = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const height = box.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
  // Leave room for the scroll bar xterm draws at the right.
  const cols = Math.max(20, Math.floor((width - 14) / cellWidth));
  const rows = Math.max(5, Math.floor(height / cellHeight));
  if (cols !== term.cols || rows !== term.rows) term.resize(cols, rows);
}

/**
 * Adds `<link rel="stylesheet" href>` to the document's head unless it is there;
 * resolves once it loaded (or failed: the terminal still works, only plainer).
 * @param {Document} doc
 * @param {string} href an absolute URL
 * @returns {Promise<void>}
 */
export function loadStylesheet(doc, href) {
  const present = [...doc.querySelectorAll('link[rel="stylesheet"]')].find((l) => /** @type {HTMLLinkElement} */ (l).href === href);
  if (present) return Promise.resolve();
  return new Promise((resolve) => {
    const link = doc.createElement('link');
    link.rel = 'stylesheet';
    link.href = href;
    link.addEventListener('load', () => resolve());
    link.addEventListener('error', () => resolve());
    doc.head.append(link);
  });
}
