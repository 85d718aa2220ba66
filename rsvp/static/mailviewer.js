// Size the mail's frame to its content, so the whole mail shows without a second scrollbar.
// The frame runs no script of its own; same origin lets this page measure it.
document.querySelectorAll("iframe.mail-frame").forEach((frame) => {
  const fit = () => {
    const doc = frame.contentDocument;
    if (doc && doc.documentElement) {
      frame.style.height = doc.documentElement.scrollHeight + 2 + "px";
    }
  };
  frame.addEventListener("load", fit);
  if (frame.contentDocument && frame.contentDocument.readyState === "complete") fit();
});
