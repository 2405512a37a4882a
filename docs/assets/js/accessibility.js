/* Accessibility fixes that need the page as the browser lays it out (see also
 * site_tools/hooks/accessibility.py, which does what can be done in the built HTML).
 *
 * 1. Boxes that scroll sideways can be reached with the keyboard. Material makes a code
 *    block focusable only when it overflows AND the device has a hovering pointer, and
 *    removes the tabindex otherwise (so not on a phone or a tablet with a keyboard); the
 *    tables it wraps in .md-typeset__scrollwrap never get one. Every such box that
 *    overflows gets tabindex="0", role="region" and a name; a box that no longer
 *    overflows loses them again, so short code costs no tab stop.
 * 2. A quiz answer whose label is only a formula: MathJax's assistive MathML is not a
 *    name every tool computes, so the radio or checkbox gets an aria-label with the
 *    formula's text (from that MathML), e.g. "(0.35, 0.3)". Called by mathjax-config.js
 *    after each typesetting.
 * 3. The navigation drawer of narrow screens (Material's, below 76.1875em): its button is a
 *    label, which a keyboard cannot reach, while the links of the closed drawer, off screen,
 *    took Tab stops where focus could not be seen. The button becomes a focusable button
 *    (Enter or Space opens the drawer and focus moves into it; Escape closes it and focus
 *    returns), and the closed drawer is inert.
 */
(function () {
  var SCROLLERS = [
    ["article pre > code", "Code"],
    ["article .jp-RenderedMarkdown .highlight > pre", "Code"],
    ["article .md-typeset__scrollwrap", "Table"],
    ["article .highlight-ipynb", "Code cell"],
    ["article .jp-OutputArea-output pre", "Cell output"]
  ];
  var MARK = "data-course-scroller";

  function overflows(el) {
    if (!el.clientWidth || !el.clientHeight) return false;  // not shown: nothing to scroll
    return el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
  }

  function focusableScrollers() {
    SCROLLERS.forEach(function (pair) {
      document.querySelectorAll(pair[0]).forEach(function (el) {
        var builtIn = el.hasAttribute("tabindex") && !el.hasAttribute(MARK);
        if (builtIn) return;  // focusable in the built HTML (notebook cells): leave it
        if (overflows(el)) {
          el.setAttribute(MARK, "");
          el.setAttribute("tabindex", "0");
          el.setAttribute("role", "region");
          el.setAttribute("aria-label", pair[1]);
        } else if (el.hasAttribute(MARK)) {
          ["tabindex", "role", "aria-label", MARK].forEach(function (a) { el.removeAttribute(a); });
        }
      });
    });
  }

  var pending = null;
  function later() {
    clearTimeout(pending);
    pending = setTimeout(function () { focusableScrollers(); keyboardDrawer(); }, 100);
  }

  var NARROW = window.matchMedia("(max-width: 76.1875em)");
  var DRAWER_BUTTON = 'label.md-header__button[for="__drawer"]';
  function keyboardDrawer() {
    var toggle = document.getElementById("__drawer");
    var button = document.querySelector(DRAWER_BUTTON);
    var drawer = document.querySelector(".md-sidebar--primary");
    if (!toggle || !button || !drawer) return;
    if (NARROW.matches) {
      button.setAttribute("tabindex", "0");
      button.setAttribute("role", "button");
      button.setAttribute("aria-label", "Navigation");
      button.setAttribute("aria-expanded", toggle.checked ? "true" : "false");
    } else {
      ["tabindex", "role", "aria-label", "aria-expanded"].forEach(function (a) { button.removeAttribute(a); });
    }
    var closed = NARROW.matches && !toggle.checked;
    if (closed && drawer.contains(document.activeElement)) button.focus();
    drawer.inert = closed;
  }
  document.addEventListener("keydown", function (event) {
    var toggle = document.getElementById("__drawer");
    if (!toggle || !NARROW.matches) return;
    if ((event.key === "Enter" || event.key === " ") && event.target.matches && event.target.matches(DRAWER_BUTTON)) {
      event.preventDefault();
      event.target.click();
    } else if (event.key === "Escape" && toggle.checked) {
      toggle.click();
    }
  });
  document.addEventListener("change", function (event) {
    if (event.target.id !== "__drawer") return;
    keyboardDrawer();
    if (event.target.checked && NARROW.matches) {
      var first = document.querySelector(".md-sidebar--primary a[href]");
      if (first) first.focus();
    }
  });
  NARROW.addEventListener("change", keyboardDrawer);
  window.addEventListener("resize", later);
  document.addEventListener("toggle", later, true);
  // Material adds the table wrappers and removes code blocks' tabindex on its own
  // schedule: look again whenever it changes the article.
  new MutationObserver(function (records) {
    for (var i = 0; i < records.length; i++) {
      var r = records[i];
      if (r.type === "childList" || (r.attributeName === "tabindex" && !r.target.hasAttribute("tabindex"))) {
        later();
        return;
      }
    }
  }).observe(document.documentElement, {subtree: true, childList: true, attributes: true,
                                         attributeFilter: ["tabindex"]});
  window.addEventListener("load", function () { focusableScrollers(); keyboardDrawer(); });
  later();

  window.courseNameMathsOnlyAnswers = function () {
    document.querySelectorAll(".quiz fieldset label[for]").forEach(function (label) {
      var input = document.getElementById(label.htmlFor);
      if (!input || !label.querySelector("mjx-container")) return;
      var text = "";
      label.childNodes.forEach(function collect(node) {
        if (node.nodeType === Node.TEXT_NODE) text += node.textContent;
        else if (node.nodeName.toLowerCase() === "mjx-container") {
          var mml = node.querySelector("mjx-assistive-mml");
          text += mml ? mml.textContent : "";
        } else node.childNodes.forEach(collect);
      });
      text = text.replace(/\s+/g, " ").trim();
      if (text) input.setAttribute("aria-label", text);
    });
  };
})();
