'use strict';
// select2 comboboxes (the admin's autocompletes) are named only by their current selection, so an
// empty one has no accessible name. Prefix that name with the field's own: its <label>, or the
// aria-label the form gives fields of tabular inlines.
{
    function fieldName(select) {
        const label = select.id && document.querySelector(`label[for="${select.id}"]`);
        const text = label ? label.textContent : select.getAttribute('aria-label') || '';
        return text.replace(/\s*:\s*$/, '').trim();
    }

    function nameComboboxes(root) {
        root.querySelectorAll('select.admin-autocomplete, select.company-autocomplete').forEach((select) => {
            const container = select.nextElementSibling;
            const combobox = container && container.querySelector('.select2-selection');
            const text = fieldName(select);
            if (!combobox || !text || !select.id) {
                return;
            }
            const nameId = `${select.id}-a11y-name`;
            if (!document.getElementById(nameId)) {
                const name = document.createElement('span');
                name.id = nameId;
                name.hidden = true;
                name.textContent = text;
                container.appendChild(name);
            }
            const current = (combobox.getAttribute('aria-labelledby') || '').split(' ').filter((id) => id && id !== nameId);
            combobox.setAttribute('aria-labelledby', [nameId, ...current].join(' '));
            // The single-choice box's text holder is a read-only textbox of its own: name it too.
            const rendered = combobox.querySelector('.select2-selection__rendered[role="textbox"]');
            if (rendered) {
                rendered.setAttribute('aria-labelledby', nameId);
            }
        });
    }

    // After the admin's own scripts have built the select2 widgets (they do so on DOM ready), and
    // whenever a widget is built later (timing varies: a test's accessibility check once found
    // one unnamed after the load event).
    window.addEventListener('load', () => nameComboboxes(document));
    const isWidget = (node) => node.nodeType === Node.ELEMENT_NODE
        && (node.classList.contains('select2') || node.querySelector('.select2'));
    new MutationObserver((records) => {
        if (records.some((record) => Array.from(record.addedNodes).some(isWidget))) {
            nameComboboxes(document);
        }
    }).observe(document.documentElement, {childList: true, subtree: true});
    document.addEventListener('formset:added', (event) => setTimeout(() => nameComboboxes(event.target), 0));
}
