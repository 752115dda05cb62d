/**
 * The attacker's page, served by the other origin (another site). The app page frames it with the
 * action in the fragment: `{"action":"form","url":…,"fields":{…}}` submits a plain HTML form (a
 * cross-site POST: no CORS, no preflight, the response is not readable), `{"action":"message",
 * "data":…}` posts a message to the parent window with target origin `*`.
 */
export const ATTACKER_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Another site (attacker)</title>
<style>body{font:14px system-ui,sans-serif;margin:8px;color:#222;background:#fff4f4}</style></head>
<body>
<p id="what">The attacker's page, on another site.</p>
<script>
(function () {
  var what = document.getElementById('what');
  var spec;
  try { spec = JSON.parse(decodeURIComponent(location.hash.slice(1))); } catch (e) { return; }
  if (spec.action === 'form') {
    var form = document.createElement('form');
    form.method = 'POST';
    form.action = spec.url;
    Object.keys(spec.fields || {}).forEach(function (k) {
      var input = document.createElement('input');
      input.type = 'hidden';
      input.name = k;
      input.value = String(spec.fields[k]);
      form.appendChild(input);
    });
    document.body.appendChild(form);
    what.textContent = 'Submitting a hidden form to ' + spec.url;
    form.submit();
  } else if (spec.action === 'message') {
    what.textContent = 'Posting a message to the page that framed me';
    parent.postMessage(spec.data, '*');
  }
})();
</script>
</body>
</html>
`;
