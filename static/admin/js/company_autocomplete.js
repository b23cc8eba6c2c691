'use strict';
// Companies field of the article form: the admin's select2 autocomplete in "tags" mode.
// Existing companies come from the admin's autocomplete view; a name that matches none is
// offered last (not first, as select2 does by default), so Enter picks the best existing
// match and a new company is created only on purpose.
{
    const $ = django.jQuery;

    function init(element) {
        $(element).select2({
            tags: true,
            width: 'min(36em, 100%)',
            tokenSeparators: [','],
            insertTag: (data, tag) => { data.push(tag); },
            createTag: (params) => {
                const term = $.trim(params.term);
                return term ? { id: term, text: term, newTag: true } : null;
            },
            ajax: {
                data: (params) => ({
                    term: params.term,
                    page: params.page,
                    app_label: element.dataset.appLabel,
                    model_name: element.dataset.modelName,
                    field_name: element.dataset.fieldName
                })
            }
        });
        // select2's own search box has no accessible name; it is kept across selections.
        $(element).next('.select2').find('.select2-search__field')
            .attr('aria-label', 'Chercher ou ajouter une entreprise');
    }

    $(function() {
        $('.company-autocomplete').not('[name*=__prefix__]').each((i, element) => init(element));
    });
}
