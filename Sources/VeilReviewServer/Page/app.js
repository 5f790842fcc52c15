// Placeholder until the page lands (issue 13): shows the project's summary.
"use strict";
fetch("/api/project")
  .then((response) => response.json())
  .then((project) => {
    document.getElementById("app").textContent =
      project.kind + ": " + (project.media ? project.media.fileName : "") +
      ", unreviewed tracks: " + project.unreviewedTrackIDs.join(", ");
  });
