/* The check-in XBlock's editor: the agenda is the ticked sections; saving, validation messages and Studio's
   notifications are the shared editor form's (xblocks/common, PerfMgmtXBlock.studioForm). */
function PerfMgmtCheckInStudio(runtime, element, init) {
  "use strict";
  var $form = $(element).find("form.pci-studio-form");
  PerfMgmtXBlock.studioForm(runtime, element, $form, function () {
    var values = {
      display_name: $form.find("input[name=display_name]").val(),
      intro: $form.find("textarea[name=intro]").val(),
      agenda: $form.find("input[name=agenda]:checked").map(function () { return $(this).val(); }).get()
    };
    $form.find("fieldset.pci-studio-section textarea").each(function () { values[this.name] = $(this).val(); });
    return values;
  }, init);
}
