/* The hall service's pages: live updates over Server-Sent Events, and the terminals' actions.
   No framework and no inline code (the pages' Content-Security-Policy allows neither). */
"use strict";
(function () {
  const body = document.body;
  const page = body.dataset.page;
  const root = body.dataset.root || "";
  const lang = body.dataset.lang || "zh";
  const messages = document.getElementById("messages");
  const words = messages ? JSON.parse(messages.textContent || "{}") : {};
  const t = (m) => words[m] || m;
  const meta = document.querySelector('meta[name="csrf-token"]');
  const csrf = meta ? meta.content : "";

  async function api(method, path, data) {
    const response = await fetch(root + "/api/v1" + path, {
      method: method,
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "Accept-Language": lang,
        "X-CSRF-Token": csrf,
      },
      body: data === undefined ? undefined : JSON.stringify(data),
    });
    const json = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new Error(json.detail || response.statusText);
    }
    return json;
  }

  function showError(id, error) {
    const box = document.getElementById(id);
    if (!box) return;
    box.textContent = error ? String(error.message || error) : "";
    box.hidden = !error;
  }

  let pending = null;
  function refresh() {
    // Re-render the page's live part, at most every 300 ms.
    const main = document.getElementById("live");
    if (!main || !main.dataset.fragment || pending) return;
    pending = setTimeout(async function () {
      pending = null;
      try {
        const response = await fetch(main.dataset.fragment, { credentials: "same-origin" });
        if (response.ok) main.innerHTML = await response.text();
      } catch (error) {
        /* the next event retries */
      }
    }, 300);
  }

  function listen(onNotice, types) {
    const query = types ? "?types=" + encodeURIComponent(types) : "";
    const source = new EventSource(root + "/api/v1/queue/events" + query);
    const status = document.getElementById("board-status");
    source.onmessage = function (message) {
      if (status) status.textContent = "";
      onNotice(JSON.parse(message.data));
    };
    source.onerror = function () {
      if (status) status.textContent = t("Connection lost; reconnecting…");
    };
    return source;
  }

  function speak(ticket, windowCode) {
    if (!("speechSynthesis" in window)) return;
    const utterance = new SpeechSynthesisUtterance("请 " + ticket + " 号到 " + windowCode + " 窗口办理");
    utterance.lang = "zh-CN";
    window.speechSynthesis.speak(utterance);
  }

  function board() {
    const rows = document.getElementById("calls");
    const button = document.getElementById("enable-sound");
    if (button) {
      button.addEventListener("click", function () {
        // Browsers speak only after a gesture on the page: one click when the board starts.
        if ("speechSynthesis" in window) window.speechSynthesis.speak(new SpeechSynthesisUtterance(""));
        button.hidden = true;
      });
    }
    listen(function (notice) {
      if (notice.type !== "called" && notice.type !== "recalled") return;
      const row = document.createElement("tr");
      const label = document.createElement("td");
      label.textContent = notice.ticket;
      const where = document.createElement("td");
      where.textContent = notice.window;
      row.append(label, where);
      row.className = "latest";
      for (const old of rows.querySelectorAll("tr.latest")) old.classList.remove("latest");
      rows.prepend(row);
      while (rows.rows.length > 8) rows.deleteRow(rows.rows.length - 1);
      speak(notice.ticket, notice.window);
    }, "called,recalled");
  }

  function kiosk() {
    const form = document.getElementById("kiosk");
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      const line = event.submitter ? event.submitter.value : "";
      const chosen = form.querySelector('input[name="priority"]:checked');
      const priority = chosen && chosen.value ? chosen.value : null;
      try {
        showError("kiosk-error", null);
        const ticket = await api("POST", "/queue/tickets", { line: line, priority: priority });
        window.location.href = root + "/ticket/" + encodeURIComponent(ticket.id) + "?lang=" + lang;
      } catch (error) {
        showError("kiosk-error", error);
      }
    });
    listen(async function () {
      try {
        const status = await api("GET", "/queue/status");
        for (const cell of document.querySelectorAll("[data-waiting]")) {
          cell.textContent = String(status.waiting[cell.dataset.waiting] || 0);
        }
      } catch (error) {
        /* keep the last figures */
      }
    });
  }

  function counter() {
    const windowCode = body.dataset.window;
    const main = document.getElementById("live");
    main.addEventListener("click", async function (event) {
      const button = event.target.closest("button[data-action]");
      if (!button) return;
      const current = document.getElementById("current-label").dataset.ticket;
      const w = "/queue/windows/" + encodeURIComponent(windowCode);
      const ticketPath = "/queue/tickets/" + encodeURIComponent(current || "-");
      const actions = {
        "call": () => api("POST", w + "/call", {}),
        "call-ticket": () => api("POST", w + "/call", {
          ticket: button.dataset.ticket,
          reason: document.getElementById("call-reason").value || null,
        }),
        "recall": () => api("POST", w + "/recall"),
        "open": () => api("POST", w + "/open"),
        "close": () => api("POST", w + "/close"),
        "start": () => api("POST", ticketPath + "/start"),
        "finish": () => api("POST", ticketPath + "/finish", {
          outcome: document.getElementById("outcome").value,
        }),
        "no-show": () => api("POST", ticketPath + "/no-show"),
        "transfer": () => api("POST", ticketPath + "/transfer", {
          line: document.getElementById("transfer-line").value,
        }),
        "transfer-window": () => api("POST", ticketPath + "/transfer", {
          window: document.getElementById("transfer-window").value,
        }),
        "park": () => api("POST", ticketPath + "/park"),
        "resume": () => api("POST", "/queue/tickets/" + encodeURIComponent(button.dataset.ticket) + "/resume"),
        "sign-in": () => api("POST", w + "/sign-in", {
          staff: document.getElementById("staff-id").value,
        }),
        "sign-out": () => api("POST", w + "/sign-out"),
      };
      const action = actions[button.dataset.action];
      if (!action) return;
      button.disabled = true;
      try {
        showError("counter-error", null);
        await action();
        refresh();
      } catch (error) {
        showError("counter-error", error);
      } finally {
        button.disabled = false;
      }
    });
    listen(refresh);
  }

  function ticket() {
    const button = document.getElementById("print");
    if (button) button.addEventListener("click", () => window.print());
  }

  const pages = {
    board: board,
    kiosk: kiosk,
    counter: counter,
    ticket: ticket,
    position: () => listen(refresh),
    monitor: () => listen(refresh),
  };
  if (pages[page]) pages[page]();
})();
