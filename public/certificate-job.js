/* global document, fetch, setTimeout */
// Progress without reloading the page; without JavaScript the page refreshes itself instead.
(function () {
  var section = document.querySelector('[data-job-url]');
  if (!section) return;
  var refresh = document.querySelector('meta[http-equiv="refresh"]');
  if (!refresh) return;
  refresh.remove();
  var bar = section.querySelector('progress');
  var count = section.querySelector('[data-job-count]');
  var state = section.querySelector('[data-job-state]');
  var hint = section.querySelector('[data-job-hint]');
  function poll() {
    fetch(section.getAttribute('data-job-url'), { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        if (job.progress) {
          bar.max = job.progress.total || 1;
          bar.value = job.progress.done;
          count.textContent = job.progress.done + ' of ' + job.progress.total;
        }
        state.textContent = job.state;
        state.className = 'badge job-state ' + job.state;
        if (job.state === 'completed' || job.state === 'failed') {
          if (hint) hint.textContent = job.state === 'completed' ? 'Done. The new certificates are in the list; the old ones now point to them.' : 'The job failed: ' + job.error;
          return;
        }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  poll();
})();
