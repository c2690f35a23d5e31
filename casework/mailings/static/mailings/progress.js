// The batch letters progress page: poll the mailing's status every 2 s and reload once the job ends
// (the finished page then shows the download and "mark all mailed"). Without JavaScript, "Refresh".
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("mailing-progress");
  if (!box) return;
  const bar = box.querySelector("progress");
  const status = box.querySelector('[data-field="status"]');
  const message = box.querySelector('[data-field="message"]');
  const poll = async () => {
    try {
      const response = await fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const data = await response.json();
        if (data.finished) { window.location.reload(); return; }
        status.textContent = data.status_label;
        message.textContent = data.message || "";
        if (bar && data.progress.percent !== null) { bar.value = data.progress.percent; bar.textContent = `${data.progress.percent}%`; }
      }
    } catch (e) { /* a dropped poll is retried on the next tick */ }
    setTimeout(poll, 2000);
  };
  setTimeout(poll, 1000);
});
