"""Every word of the site's own interface, per language (entry text comes from the KB)."""

from __future__ import annotations

LANGS: tuple[str, ...] = ("zh", "en")
"""Site languages, default first: Chinese at the site root, English under en/."""

LANGUAGE_NAMES: dict[str, str] = {"zh": "中文", "en": "English"}
"""Each language's name in itself, for the language switch."""

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "site_name": "患者健康信息",
        "home": "首页",
        "sections": "浏览",
        "section.condition": "疾病与症状",
        "section.aftercare": "术后与治疗后护理",
        "section.referral": "何时就医",
        "section.faq": "常见问题",
        "section.condition.intro": "常见疾病和症状的说明：是什么、怎么处理、什么时候需要就医。",
        "section.aftercare.intro": "手术或治疗后在家怎样照顾自己，以及需要回医院的信号。",
        "section.referral.intro": "出现哪些情况应该去急诊、当天就医或预约门诊。",
        "section.faq.intro": "患者常问的问题和经过审核的回答。",
        "specialties": "按科室浏览",
        "specialties.intro": "按科室查看全部内容。",
        "a_z": "A 到 Z",
        "a_z.intro": "按拼音首字母排列的全部内容。",
        "a_z.jump": "按首字母跳转",
        "tags": "标签",
        "tags.intro": "按主题标签查看内容。",
        "other_language": "English",
        "other_language.page": "Read this page in English",
        "search.heading": "搜索健康信息",
        "search.label": "输入疾病、症状或问题",
        "search.button": "搜索",
        "home.intro": "由医院临床医生审核的患者健康信息。每一页都写明了审核人和审核日期。",
        "home.emergency": "如果情况危急（例如呼吸困难、胸痛、大出血、昏迷），请立即拨打 120 或去最近的急诊。",
        "breadcrumb": "页面位置",
        "entries_count": "共 {count} 篇",
        "empty": "暂时没有内容。",
        "lead.help": "出现哪些情况需要就医",
        "help.heading": "何时需要帮助",
        "care.emergency.sr": "需要立即行动：",
        "care.emergency.heading": "立即拨打 120 或去急诊，如果：",
        "care.urgent.sr": "紧急建议：",
        "care.urgent.heading": "当天去医院就诊，如果：",
        "care.routine.sr": "非紧急建议：",
        "care.routine.heading": "预约门诊看医生，如果：",
        "related": "相关内容",
        "sources": "参考资料",
        "review.heading": "审核信息",
        "review.by": "审核人",
        "review.on": "最近审核",
        "review.next": "下次审核",
        "review.separator": "、",
        "notice.overdue.title": "此页面已超过审核日期",
        "notice.overdue.text": "本页应在 {next_review} 前重新审核，最近一次审核是 {reviewed_on}。"
        "内容可能不是最新的；如有疑问，请咨询医生。",
        "banner.draft.title": "草稿预览",
        "banner.draft.text": "此内容尚未经过临床审核，不会出现在公开网站上。",
        "banner.changed.title": "未审核的修改",
        "banner.changed.text": "这是审核后又修改过的文本，尚未重新审核。公开网站显示的是 {reviewed_on} 审核通过的版本。",
        "preview.announce": "作者预览：包含草稿和未审核的修改，不是公开网站。",
        "print": "打印此页",
        "groups.specialty": "科室：",
        "colon": "：",
        "groups.tags": "标签：",
        "other_names": "其他名称",
        "question": "问题",
    },
    "en": {
        "site_name": "Patient health information",
        "home": "Home",
        "sections": "Browse",
        "section.condition": "Conditions and symptoms",
        "section.aftercare": "Aftercare",
        "section.referral": "When to get help",
        "section.faq": "Questions",
        "section.condition.intro": "Conditions and symptoms explained: what they are, what to do, when to get help.",
        "section.aftercare.intro": "How to look after yourself after a procedure or treatment, and when to come back.",
        "section.referral.intro": "Which signs mean emergency care, seeing a doctor today, or booking an appointment.",
        "section.faq.intro": "Questions patients ask, with reviewed answers.",
        "specialties": "By specialty",
        "specialties.intro": "All pages, grouped by specialty.",
        "a_z": "A to Z",
        "a_z.intro": "Every page in alphabetical order.",
        "a_z.jump": "Jump to a letter",
        "tags": "Topics",
        "tags.intro": "Pages grouped by topic.",
        "other_language": "中文",
        "other_language.page": "阅读本页的中文版",
        "search.heading": "Search health information",
        "search.label": "Type a condition, symptom or question",
        "search.button": "Search",
        "home.intro": "Patient information reviewed by the hospital's clinicians. Every page says who "
        "reviewed it and when.",
        "home.emergency": "In an emergency (for example trouble breathing, chest pain, heavy bleeding or "
        "collapse), call 120 or go to the nearest emergency department now.",
        "breadcrumb": "Breadcrumb",
        "entries_count": "{count} pages",
        "empty": "Nothing here yet.",
        "lead.help": "When to get help",
        "help.heading": "When to get help",
        "care.emergency.sr": "Immediate action required: ",
        "care.emergency.heading": "Call 120 or go to the emergency department now if:",
        "care.urgent.sr": "Urgent advice: ",
        "care.urgent.heading": "See a doctor today if:",
        "care.routine.sr": "Non-urgent advice: ",
        "care.routine.heading": "Make an appointment with a doctor if:",
        "related": "Related pages",
        "sources": "Sources",
        "review.heading": "Page review",
        "review.by": "Reviewed by",
        "review.on": "Last reviewed",
        "review.next": "Next review due",
        "review.separator": "; ",
        "notice.overdue.title": "This page is past its review date",
        "notice.overdue.text": "It was due to be reviewed by {next_review} and was last reviewed on "
        "{reviewed_on}. It may be out of date; if in doubt, ask a doctor.",
        "banner.draft.title": "Draft preview",
        "banner.draft.text": "This text has not been clinically reviewed and is not on the public site.",
        "banner.changed.title": "Unreviewed changes",
        "banner.changed.text": "This text was edited after sign-off and has not been reviewed again. "
        "The public site shows the version reviewed on {reviewed_on}.",
        "preview.announce": "Author preview: includes drafts and unreviewed changes. Not the public site.",
        "print": "Print this page",
        "groups.specialty": "Specialty: ",
        "colon": ": ",
        "groups.tags": "Topics: ",
        "other_names": "Other names",
        "question": "Question",
    },
}

URGENCIES: tuple[str, ...] = ("emergency", "urgent", "routine")
"""Care-card order: the most urgent first."""


def label(lang: str, key: str, **values: str | int) -> str:
    """The interface text `key` in `lang`, with `{placeholders}` filled in."""
    text = LABELS.get(lang, LABELS["en"])[key]
    return text.format(**values) if values else text
