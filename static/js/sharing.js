// The sharing page: copy the invite link, or hand it to the phone's share sheet. Each button
// appears only where the browser can do what it says; the link itself works without this file.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".share-actions").forEach((box) => {
    const link = box.dataset.shareLink;
    const status = box.querySelector(".js-copy-status");
    const copyButton = box.querySelector(".js-copy-link");
    const shareButton = box.querySelector(".js-share-link");

    if (navigator.clipboard && window.isSecureContext) {
      copyButton.hidden = false;
      copyButton.addEventListener("click", async () => {
        try {
          await navigator.clipboard.writeText(link);
          status.textContent = say("link_copied");
        } catch {
          status.textContent = say("link_not_copied");
        }
      });
    }

    // The product's name, which is not translated.
    const data = { title: "Self-care tracker", text: box.dataset.shareText, url: link };
    if (navigator.share && (!navigator.canShare || navigator.canShare(data))) {
      shareButton.hidden = false;
      shareButton.addEventListener("click", () => {
        // Closing the share sheet without choosing rejects; nothing more to say then.
        navigator.share(data).catch(() => {});
      });
    }
  });
});
