/**
 * The popup's page for the lab's COOP cases, served at `/c/{case}/{run}/popup` with the case's
 * `Cross-Origin-Opener-Policy`. When it still has an opener it says hello to it: the opener counts
 * a hello as "connected", and a handle that turned `closed` with no hello as "severed".
 */
export const POPUP_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>The popup</title></head>
<body>
<p id="what">A popup opened by the lab's page.</p>
<script>
(function () {
  var what = document.getElementById('what');
  if (window.opener) {
    what.textContent = 'window.opener is there: saying hello to it.';
    window.opener.postMessage({ labPopup: 'hello' }, '*');
  } else {
    what.textContent = 'window.opener is null: this popup was severed from its opener.';
  }
  setTimeout(function () { window.close(); }, 1500);
})();
</script>
</body>
</html>
`;
