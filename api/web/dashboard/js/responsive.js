// Draws into host at the host's width, and again when that width changes (a rotated phone,
// a resized window). draw(width) returns the element to show. Call it once host is in the page.
export function fitWidth(host, draw) {
  let last = 0;
  const paint = () => {
    const width = Math.floor(host.clientWidth);
    if (width <= 0 || Math.abs(width - last) < 16) return;
    last = width;
    host.replaceChildren(draw(width));
  };
  const ro = new ResizeObserver(() => {
    if (!host.isConnected) ro.disconnect(); // the view was replaced
    else paint();
  });
  ro.observe(host);
  paint();
}
