// The search page: Pagefind's interface, in French, over the index made by the
// build (pagefind/). `recherche/index.html?q=mots` starts with that search, so
// the search box of every page's header leads here.
(function () {
  "use strict";
  var box = document.getElementById("recherche");
  if (!box || typeof PagefindUI === "undefined") {
    return;
  }
  var ui = new PagefindUI({
    element: "#recherche",
    bundlePath: box.getAttribute("data-bundle-path"),
    // result addresses are written from the site's root: the root of this copy of the site, wherever it is served
    baseUrl: new URL(box.getAttribute("data-site-root"), window.location.href).pathname,
    showImages: false,
    showSubResults: true,
    resetStyles: false,
    autofocus: !new URLSearchParams(window.location.search).get("q"),
    translations: {
      placeholder: "Rechercher une formation",
      clear_search: "Effacer",
      load_more: "Plus de résultats",
      search_label: "Rechercher dans le catalogue",
      zero_results: "Aucune formation ne contient « [SEARCH_TERM] »",
      many_results: "[COUNT] formations contiennent « [SEARCH_TERM] »",
      one_result: "[COUNT] formation contient « [SEARCH_TERM] »",
      alt_search: "Aucune formation ne contient « [SEARCH_TERM] ». Résultats pour « [DIFFERENT_TERM] » :",
      search_suggestion: "Aucune formation ne contient « [SEARCH_TERM] ». Essayez :",
      searching: "Recherche de « [SEARCH_TERM] »…"
    }
  });
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    ui.triggerSearch(query);
  }
})();
