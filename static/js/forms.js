// Required fields show a "*" after their label (drawn by crispy-forms). The field itself carries the
// `required` attribute, which screen readers announce, so the star is hidden from them rather than read out.
document.querySelectorAll(".asteriskField").forEach((star) => star.setAttribute("aria-hidden", "true"));
