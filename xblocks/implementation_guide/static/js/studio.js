/* The implementation guide's editor: each fieldset is a step (its id kept; an empty one is dropped, the last empty
   one adds a step); saving, validation messages and Studio's notifications are the shared editor form's
   (xblocks/common, PerfMgmtXBlock.studioForm). */
function PerfMgmtImplementationGuideStudio(runtime, element, init) {
  "use strict";
  var $form = $(element).find("form.pig-studio-form");
  PerfMgmtXBlock.studioForm(runtime, element, $form, function () {
    var level = $form.find("input[name=evidence_level]").val();
    var values = {
      display_name: $form.find("input[name=display_name]").val(),
      intro: $form.find("textarea[name=intro]").val(),
      framework: $form.find("input[name=framework]").val(),
      competency: $form.find("input[name=competency]").val(),
      evidence_level: level === "" ? null : parseInt(level, 10),
      steps: []
    };
    $form.find("fieldset.pig-studio-step").each(function () {
      var $set = $(this);
      var step = {id: $set.data("id") || "", observe: $set.find("input[name=observe]").is(":checked")};
      $set.find("input[type=text], textarea").each(function () { step[this.name] = $(this).val(); });
      values.steps.push(step);
    });
    return values;
  }, init);
}
