// Buttons with data-copy-from="ID" copy that element's text to the clipboard and say so in their
// data-copied-text. One listener on the document: it also serves pages that Blazor's enhanced
// navigation brings in later, and the static pages, which run no component code in the browser.
document.addEventListener('click', async (event) => {
    const button = event.target instanceof Element ? event.target.closest('button[data-copy-from]') : null;
    const source = button && document.getElementById(button.dataset.copyFrom);
    if (!source) {
        return;
    }
    try {
        await navigator.clipboard.writeText(source.innerText.trim());
        button.textContent = button.dataset.copiedText;
    } catch {
        button.textContent = button.dataset.copyFailedText;
    }
});
