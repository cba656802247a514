// Trip planner: drag an activity to reorder its day or to move it to another day. Each drop is
// sent to the same endpoints as the Up/Down/Move buttons (which keep working without this
// script); a refusal is announced and the page reloads to show the order that was saved.
(() => {
  "use strict";

  const csrfToken = () => {
    const field = document.querySelector("#trip-csrf input[name=csrfmiddlewaretoken]");
    if (field) return field.value;
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  };

  const announce = (text) => {
    const live = document.getElementById("trip-live");
    if (live) live.textContent = text || "";
  };

  const post = async (url, data) => {
    const body = new URLSearchParams();
    for (const [name, value] of data) body.append(name, value);
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
      body,
    });
    let answer = {};
    try {
      answer = await response.json();
    } catch {
      answer = {};
    }
    if (!response.ok) throw new Error(answer.error || response.statusText);
    return answer;
  };

  const idsOf = (list) =>
    [...list.querySelectorAll(":scope > .trip-activity")].map((item) => item.dataset.activityId);

  const itemAfter = (list, y) => {
    let closest = null;
    let closestOffset = Number.NEGATIVE_INFINITY;
    for (const item of list.querySelectorAll(":scope > .trip-activity:not(.is-dragging)")) {
      const box = item.getBoundingClientRect();
      const offset = y - box.top - box.height / 2;
      if (offset < 0 && offset > closestOffset) {
        closestOffset = offset;
        closest = item;
      }
    }
    return closest;
  };

  // "Copy link" beside the share link and the feed address, where the clipboard can be
  // written (the fields stay selectable without it).
  const copyButtons = () => {
    if (!navigator.clipboard) return;
    for (const button of document.querySelectorAll("[data-copy-target]")) {
      const field = document.getElementById(button.dataset.copyTarget);
      if (!field) continue;
      button.hidden = false;
      button.addEventListener("click", async () => {
        await navigator.clipboard.writeText(field.value);
        announce(button.dataset.copied);
      });
    }
  };

  document.addEventListener("DOMContentLoaded", () => {
    copyButtons();
    const planner = document.querySelector("[data-planner]");
    if (!planner) return;
    let dragged = null;
    let fromList = null;
    let fromNext = null; // where the item was, to put it back if the drag is cancelled

    planner.addEventListener("dragstart", (event) => {
      const item = event.target.closest && event.target.closest(".trip-activity[draggable=true]");
      if (!item) return;
      dragged = item;
      fromList = item.parentElement;
      fromNext = item.nextElementSibling;
      item.classList.add("is-dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", item.dataset.activityId);
    });

    planner.addEventListener("dragend", () => {
      if (dragged) {
        // No drop (Escape, or let go outside a day): nothing was saved, so nothing moved.
        dragged.classList.remove("is-dragging");
        fromList.insertBefore(dragged, fromNext);
        dragged = null;
      }
      for (const list of planner.querySelectorAll(".is-drop-target")) {
        list.classList.remove("is-drop-target");
      }
    });

    planner.addEventListener("dragover", (event) => {
      const list = event.target.closest && event.target.closest(".trip-activities");
      if (!dragged || !list) return;
      event.preventDefault();
      list.classList.add("is-drop-target");
      const after = itemAfter(list, event.clientY);
      if (after) list.insertBefore(dragged, after);
      else list.appendChild(dragged);
    });

    planner.addEventListener("dragleave", (event) => {
      const list = event.target.closest && event.target.closest(".trip-activities");
      if (list && !list.contains(event.relatedTarget)) list.classList.remove("is-drop-target");
    });

    planner.addEventListener("drop", async (event) => {
      const list = event.target.closest && event.target.closest(".trip-activities");
      if (!dragged || !list) return;
      event.preventDefault();
      const item = dragged;
      dragged = null;
      item.classList.remove("is-dragging");
      try {
        let answer;
        if (list === fromList) {
          answer = await post(
            list.dataset.reorderUrl,
            idsOf(list).map((id) => ["activity_ids", id]),
          );
        } else {
          const position = idsOf(list).indexOf(item.dataset.activityId);
          answer = await post(item.dataset.moveUrl, [
            ["day_date", list.dataset.dayDate],
            ["position", String(position)],
          ]);
        }
        announce(answer.message);
        // The Up/Down buttons and the forms' days are drawn by the server: show them as saved.
        window.setTimeout(() => window.location.reload(), 600);
      } catch (error) {
        announce(error.message);
        window.setTimeout(() => window.location.reload(), 1500);
      }
    });
  });
})();
