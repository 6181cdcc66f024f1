/* global document, fetch, setTimeout, window */
// Progress in place for a page watching a background job (certificate regeneration, an import, a
// cohort's certificate batch); views/partials/job-progress.hbs is the markup it reads.
// Without JavaScript the page refreshes itself instead: its <noscript> holds a meta refresh, which
// a browser running scripts never acts on (removing a meta refresh after it was parsed would not
// cancel it, so under load the page reloaded under the script's feet).
(function () {
  var section = document.querySelector('[data-job-url]');
  if (!section || section.getAttribute('data-job-running') !== 'true') return;
  var final = (section.getAttribute('data-job-final') || 'completed failed').split(' ');
  var bar = section.querySelector('progress');
  var count = section.querySelector('[data-job-count]');
  var state = section.querySelector('[data-job-state]');
  var hint = section.querySelector('[data-job-hint]');
  var rate = section.querySelector('[data-job-rate]');
  var started = null;
  function words(s) { return String(s).replace(/_/g, ' '); }
  function showRate(done, total) {
    if (!rate) return;
    var now = Date.now();
    if (!started || done < started.done) started = { at: now, done: done };
    var seconds = (now - started.at) / 1000;
    if (seconds < 1 || done === started.done) return;
    var perSecond = (done - started.done) / seconds;
    var left = Math.max(0, Math.round((total - done) / perSecond));
    rate.textContent = Math.round(perSecond) + ' rows a second, about ' +
      (left >= 60 ? Math.ceil(left / 60) + ' min' : left + ' s') + ' left';
  }
  function poll() {
    fetch(section.getAttribute('data-job-url'), { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        var p = job.progress;
        if (p) {
          // An import's dry run does not know its row count until the end: the bar stays indeterminate.
          if (p.total) {
            bar.max = p.total;
            bar.value = p.done;
          } else bar.removeAttribute('value');
          count.textContent = p.total ? p.done + ' of ' + p.total : String(p.done);
          if (p.total) showRate(p.done, p.total);
        }
        state.textContent = words(job.state);
        state.className = 'badge job-state ' + job.state;
        if (final.indexOf(job.state) >= 0) {
          if (section.hasAttribute('data-job-reload')) return window.location.reload();
          if (hint) hint.textContent = job.state === 'failed' ? 'The job failed: ' + job.error : section.getAttribute('data-job-done-text') || 'Done.';
          return;
        }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  poll();
})();
