/* The self-assessment XBlock's editor: the competency list follows the chosen framework; saving, validation
   messages and Studio's notifications are the shared editor form's (xblocks/common, PerfMgmtXBlock.studioForm). */
function PerfMgmtSelfAssessmentStudio(runtime, element, init) {
  "use strict";
  var $form = $(element).find("form.psa-studio-form");
  var $framework = $form.find("select[name=framework]");

  function showCompetencies() {
    var slug = $framework.val();
    $form.find("fieldset.psa-studio-competencies").each(function () {
      $(this).prop("hidden", $(this).data("framework") !== slug);
    });
  }
  $framework.on("change", showCompetencies);

  PerfMgmtXBlock.studioForm(runtime, element, $form, function () {
    var slug = $framework.val();
    var codes = $form.find("fieldset.psa-studio-competencies").filter(function () {
      return $(this).data("framework") === slug;
    }).find("input[type=checkbox]:checked").map(function () { return $(this).val(); }).get();
    return {
      display_name: $form.find("input[name=display_name]").val(),
      framework: slug,
      competencies: codes,
      mode: $form.find("fieldset.psa-studio-mode input[type=radio]:checked").val(),
      prompt: $form.find("textarea[name=prompt]").val(),
      allow_evidence: $form.find("input[name=allow_evidence]").is(":checked"),
      profile: $form.find("select[name=profile]").val() || ""
    };
  }, init);
}
