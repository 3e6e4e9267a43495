// Small DOM builders for the console. Text goes in through textContent only (never innerHTML),
// so nothing an API returns can become markup; and rows are updated in place by key, so a
// refresh never destroys the button that has the keyboard focus.

type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) element.append(child);
  return element;
}

/** Replaces the element's children (for content that holds no focusable element). */
export function replaceChildren(element: Element, ...children: Child[]): void {
  element.replaceChildren(...children.filter((child): child is Node | string => child !== null && child !== undefined && child !== false));
}

/** Sets text only when it changed (no mutation, no screen-reader chatter, for unchanged values). */
export function setText(element: Element, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

/**
 * Keeps `container`'s children in step with `items`: an item's element is created once (by its
 * key), updated on every refresh, moved into order, and removed when the item is gone.
 */
export function syncKeyed<T, E extends HTMLElement>(
  container: HTMLElement,
  items: readonly T[],
  key: (item: T) => string,
  create: (item: T) => E,
  update: (element: E, item: T) => void,
): void {
  const existing = new Map<string, E>();
  for (const child of Array.from(container.children) as E[]) {
    const k = child.dataset.key;
    if (k !== undefined) existing.set(k, child);
  }
  let previous: Element | null = null;
  for (const item of items) {
    const k = key(item);
    let element = existing.get(k);
    if (element) existing.delete(k);
    else {
      element = create(item);
      element.dataset.key = k;
    }
    update(element, item);
    const expected: Element | null = previous ? previous.nextElementSibling : container.firstElementChild;
    if (expected !== element) container.insertBefore(element, expected);
    previous = element;
  }
  for (const stale of existing.values()) stale.remove();
}

/** The panel's body, found once. */
export function panelBody(id: string): HTMLElement {
  const body = document.querySelector<HTMLElement>(`#${id} .panel-body`);
  if (!body) throw new Error(`panel ${id} is missing from the page`);
  return body;
}
