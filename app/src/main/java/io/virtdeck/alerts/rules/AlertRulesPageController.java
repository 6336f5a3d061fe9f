package io.virtdeck.alerts.rules;

import java.util.Arrays;
import java.util.List;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import io.virtdeck.core.VirtdeckException;
import io.virtdeck.web.RefusedForm;

/**
 * The alert rules page: administrators make, change and delete rules; operators and viewers read the list. The form
 * works without scripts: every parameter's field is there, each saying which kinds read it.
 */
@Controller
class AlertRulesPageController {

    private final AlertRuleService rules;

    AlertRulesPageController(AlertRuleService rules) {
        this.rules = rules;
    }

    @GetMapping("/alerts/rules")
    String list(Model model) {
        model.addAttribute("rules", rules.list());
        model.addAttribute("mayChange", rules.mayChange());
        return "alerts/rules/list";
    }

    /** The form's fields, as the browser sends them. */
    record RuleForm(String name, String kind, String severity, Boolean enabled, Integer repeatMinutes,
                    List<Long> targets, Integer percent, Integer days, Double ratio, Integer minutes, String taskType,
                    String guest) {

        static RuleForm empty(String kind) {
            return new RuleForm("", kind, "WARNING", true, 0, List.of(), null, null, null, null, "", "");
        }

        static RuleForm of(AlertRuleView rule) {
            return new RuleForm(rule.name(), rule.kind(), rule.severity(), rule.enabled(),
                    rule.repeatMinutes() == null ? 0 : rule.repeatMinutes(),
                    rule.targets().stream().map(AlertRuleView.Target::id).toList(), rule.percent(), rule.days(),
                    rule.ratio(), rule.minutes(), rule.taskType(), rule.guest());
        }

        AlertRuleRequest toRequest() {
            return new AlertRuleRequest(name, kind, severity, enabled, repeatMinutes, targets, percent, days, ratio,
                    minutes, taskType, guest);
        }

        public boolean targets(long id) {
            return targets != null && targets.contains(id);
        }
    }

    @GetMapping("/alerts/rules/new")
    String newRule(@RequestParam(required = false) String kind, Model model) {
        requireChange();
        return form(RuleForm.empty(kind), null, model);
    }

    @PostMapping("/alerts/rules")
    String create(@ModelAttribute RuleForm form, Model model, HttpServletResponse response,
                  RedirectAttributes redirect) {
        try {
            AlertRuleView rule = rules.create(form.toRequest());
            redirect.addFlashAttribute("notice", "Rule '" + rule.name() + "' was made: " + rule.condition() + ".");
            return "redirect:/alerts/rules";
        } catch (VirtdeckException e) {
            RefusedForm.show(e, "The rule was not made", model, response);
            return form(form, null, model);
        }
    }

    @GetMapping("/alerts/rules/{id}/edit")
    String edit(@PathVariable long id, Model model) {
        requireChange();
        AlertRuleView rule = rules.get(id);
        return form(RuleForm.of(rule), rule, model);
    }

    @PostMapping("/alerts/rules/{id}")
    String update(@PathVariable long id, @ModelAttribute RuleForm form, Model model, HttpServletResponse response,
                  RedirectAttributes redirect) {
        try {
            AlertRuleView rule = rules.update(id, form.toRequest());
            redirect.addFlashAttribute("notice", "Rule '" + rule.name() + "' was saved.");
            return "redirect:/alerts/rules";
        } catch (VirtdeckException e) {
            RefusedForm.show(e, "The rule was not changed", model, response);
            return form(form, rules.get(id), model);
        }
    }

    @GetMapping("/alerts/rules/{id}/delete")
    String confirmDelete(@PathVariable long id, Model model) {
        requireChange();
        model.addAttribute("rule", rules.get(id));
        return "alerts/rules/delete";
    }

    @PostMapping("/alerts/rules/{id}/delete")
    String delete(@PathVariable long id, RedirectAttributes redirect) {
        String name = rules.get(id).name();
        rules.delete(id);
        redirect.addFlashAttribute("notice", "Rule '" + name + "' was deleted; its alerts stay in the history.");
        return "redirect:/alerts/rules";
    }

    private void requireChange() {
        if (!rules.mayChange()) {
            throw new AccessDeniedException("alert rules: administrators only");
        }
    }

    /** @param existing the rule being changed; null for a new one */
    private String form(RuleForm form, AlertRuleView existing, Model model) {
        model.addAttribute("form", form);
        model.addAttribute("existing", existing);
        model.addAttribute("kinds", AlertRuleKind.values());
        model.addAttribute("severities", Arrays.stream(AlertRule.Severity.values()).map(Enum::name).toList());
        model.addAttribute("targetChoices", rules.targetChoices());
        model.addAttribute("usedBy", Arrays.stream(AlertRuleKind.Parameter.values()).collect(
                java.util.stream.Collectors.toMap(AlertRuleKind.Parameter::field, p -> String.join(", ",
                        Arrays.stream(AlertRuleKind.values()).filter(k -> k.parameters().contains(p))
                                .map(AlertRuleKind::label).toList()))));
        return "alerts/rules/form";
    }
}
