// "Entreprises mentionnées mais non étiquetées": an "Ajouter" button reloads the page, so it
// asks first when the article form below has unsaved edits (the server side works without it).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
    const articleForm = document.getElementById("article_form");
    const panelForms = document.querySelectorAll(".detected-company-form");
    if (!articleForm || panelForms.length === 0) {
        return;
    }
    let dirty = false;
    const markDirty = function () { dirty = true; };
    articleForm.addEventListener("input", markDirty);
    articleForm.addEventListener("change", markDirty);
    panelForms.forEach(function (form) {
        form.addEventListener("submit", function (event) {
            if (dirty && !window.confirm("Vos modifications non enregistrées seront perdues. Ajouter l'entreprise quand même ?")) {
                event.preventDefault();
            }
        });
    });
});
