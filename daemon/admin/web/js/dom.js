/* global Node */
// Builds elements from data with textContent only: names and events never become HTML.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function toast(message) {
  const t = document.getElementById('toast');
  t.textContent = message;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => {
    t.hidden = true;
  }, 4000);
}

export const fmtTime = (iso) => (iso ? new Date(iso).toLocaleString() : '—');

/** A labelled input; returns [wrapper, input]. */
export function field(label, attrs) {
  const id = `f_${Math.random().toString(36).slice(2, 9)}`;
  const input = h('input', { id, ...attrs });
  return [h('div', {}, h('label', { for: id }, label), input), input];
}

export function errorLine() {
  return h('p', { class: 'error', role: 'alert' });
}

/** Runs an async action, shows its error in `line` (or a toast), and disables the button meanwhile. */
export async function guarded(button, line, fn) {
  if (button) button.disabled = true;
  if (line) line.textContent = '';
  try {
    return await fn();
  } catch (err) {
    if (line) line.textContent = err.message;
    else toast(err.message);
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}
