/* MathJax 3 for the course site (loaded before assets/vendor/mathjax/tex-chtml.js).
 *
 * Two kinds of maths reach the browser:
 *  - Markdown pages: pymdownx.arithmatex (generic mode) wraps every formula in an
 *    element of class "arithmatex", with \( \) or \[ \] delimiters;
 *  - notebook pages: mkdocs-jupyter (nbconvert) leaves the $...$ and $$...$$ of
 *    Markdown cells as they are, inside elements of class "jp-RenderedMarkdown"
 *    (and LaTeX outputs inside "jp-RenderedLatex").
 * MathJax skips the page's main blocks (ignoreHtmlClass: the header, the container
 * holding navigation and content, dialogs) and processes only those elements and
 * everything inside them, so a dollar sign in code or prose elsewhere is never taken
 * for maths. (Material's usual ignoreHtmlClass ".*|" would also ignore the plain
 * <p> and <li> children of a notebook cell, whose class is empty, and leave the
 * notebooks' maths raw.) <pre>, <code> and the like are skipped everywhere.
 */
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"], ["$", "$"]],
    displayMath: [["\\[", "\\]"], ["$$", "$$"]],
    processEscapes: true,
    processEnvironments: true,
    tags: "none"
  },
  options: {
    ignoreHtmlClass: "md-header|md-container|md-dialog|md-skip|md-banner",
    processHtmlClass: "arithmatex|jp-RenderedMarkdown|jp-RenderedLatex|jp-MarkdownOutput"
  },
  startup: {
    pageReady: function () {
      return MathJax.startup.defaultPageReady().then(courseAfterTypesetting);
    }
  }
};

/* What follows each typesetting of the page: wide formulas boxed, and quiz answers that
 * are formulas named (docs/assets/js/accessibility.js). */
function courseAfterTypesetting() {
  courseBoxWideMaths();
  if (window.courseNameMathsOnlyAnswers) window.courseNameMathsOnlyAnswers();
}

/* On a phone, an inline formula can be wider than its line, and MathJax 3 does not
 * break lines: such a formula gets the class "course-wide-maths" (see course.css),
 * which makes it a box of its own that scrolls sideways instead of widening the page. */
function courseBoxWideMaths() {
  var formulas = document.querySelectorAll("article mjx-container:not([display='true'])");
  formulas.forEach(function (el) { el.classList.remove("course-wide-maths"); });
  formulas.forEach(function (el) {
    var block = el.parentElement;
    while (block && getComputedStyle(block).display.indexOf("inline") === 0) block = block.parentElement;
    if (!block) return;
    var style = getComputedStyle(block);
    var room = block.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (el.getBoundingClientRect().width > room + 0.5) el.classList.add("course-wide-maths");
  });
}
(function () {
  var pending = null;
  function later() {
    clearTimeout(pending);
    pending = setTimeout(courseBoxWideMaths, 150);
  }
  // Measure again when the width changes, and when hidden maths appears: an opened
  // <details>, or a quiz's explanation after an answer.
  window.addEventListener("resize", later);
  document.addEventListener("toggle", later, true);
  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest(".quiz")) later();
  });
})();

/* Material's instant navigation swaps the page content without reloading the page:
 * typeset the new content each time, once MathJax has started. The first emission
 * is the initial page load, which MathJax typesets by itself on start-up. */
(function () {
  var initial = true;
  function retypeset() {
    var mj = window.MathJax;
    if (!mj || !mj.startup || !mj.startup.promise) return;
    mj.startup.promise = mj.startup.promise.then(function () {
      mj.startup.output.clearCache();
      mj.typesetClear();
      mj.texReset();
      return mj.typesetPromise();
    }).then(courseAfterTypesetting).catch(function (err) {
      console.warn("MathJax typesetting failed:", err);
    });
  }
  if (typeof document$ !== "undefined") {
    document$.subscribe(function () {
      if (initial) { initial = false; return; }
      retypeset();
    });
  }
})();
