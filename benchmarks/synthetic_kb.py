"""Generate a knowledge base shaped like a real one, for the benchmarks.

Entries are 1.5–2 KB like the hospital's own: a two-sentence summary, a body of three
Markdown sections (four with 150–300 Chinese characters or 100–140 English words in three), warning signs,
sources, aliases and links; four in five are Chinese; a mix of drafts, current, due-soon and
overdue sign-offs (with fingerprints, as `kbtool review approve` writes them). The text is
accurate and cautious, so `kbtool check` finds no errors and no wording findings in it; the
reviewers are fictional. Topics rotate, and each entry's sections are picked and ordered by
its number, so the texts differ from entry to entry.

    python benchmarks/synthetic_kb.py OUT [--count 10000]
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kbtool.review.state import fingerprint

FOLDERS = {
    "condition": "conditions",
    "aftercare": "aftercare",
    "referral": "referrals",
    "faq": "faq",
}


@dataclass(frozen=True)
class Topic:
    slug: str
    kind: str
    lang: str
    title: str
    specialty: str
    aliases: tuple[str, ...]
    summary: str
    sections: tuple[tuple[str, str], ...]
    """(heading, Markdown) pairs: a Chinese entry has all four, in its own order; an English one
    three of them."""
    red_flags: tuple[tuple[str, str, str], ...]
    sources: tuple[tuple[str, str], ...]
    question: str = ""


ZH = [
    Topic(
        "conjunctivitis",
        "condition",
        "zh",
        "急性结膜炎",
        "眼科",
        ("红眼病", "结膜炎", "眼睛红", "pink eye"),
        "急性结膜炎俗称红眼病，多由病毒或细菌引起，常见眼红、分泌物增多和异物感。"
        "大多数人在一到两周内好转，需要用药时请遵医嘱。",
        (
            (
                "常见表现",
                (
                    "- 一只或两只眼睛发红，有异物感\n- 分泌物增多，早上醒来睫毛粘在一起\n"
                    "- 流泪、轻度发痒"
                ),
            ),
            (
                "在家怎么做",
                (
                    "用干净的湿毛巾轻轻擦去分泌物，每只眼睛用不同的毛巾。勤洗手，不要揉眼睛，"
                    "毛巾和枕巾单独使用。症状消失前不要戴隐形眼镜。"
                ),
            ),
            (
                "会传染吗",
                (
                    "病毒和细菌引起的结膜炎可以通过手和毛巾传给别人。分泌物明显时，"
                    "尽量不去游泳池，和家人分开使用毛巾。"
                ),
            ),
            (
                "什么时候就医",
                (
                    "如果一周后没有好转，或者出现眼痛、怕光、视力下降，请到眼科就诊。"
                    "新生儿眼红、分泌物多，需要尽快就医。"
                ),
            ),
        ),
        (
            ("眼痛明显、怕光或视力下降", "urgent", "当天到眼科就诊。"),
            ("新生儿眼红、分泌物多", "urgent", "当天带孩子到医院就诊。"),
        ),
        (("NHS Health A to Z: Conjunctivitis", "https://www.nhs.uk/conditions/conjunctivitis/"),),
    ),
    Topic(
        "otitis-media",
        "condition",
        "zh",
        "中耳炎",
        "耳鼻咽喉科",
        ("耳朵疼", "耳痛", "ear infection"),
        "中耳炎是鼓膜后面的中耳发生的感染或炎症，儿童多见，常在感冒后出现耳痛和发热。"
        "很多孩子在两三天内好转，医生会根据年龄和病情决定是否需要抗生素。",
        (
            (
                "常见表现",
                "- 耳痛，婴幼儿可能哭闹、拉扯耳朵、睡不好\n- 发热\n- 听力下降、耳朵发闷",
            ),
            (
                "治疗",
                (
                    "可按年龄和体重使用对乙酰氨基酚或布洛芬止痛退热，请按说明书或医生建议的剂量。"
                    "医生会根据孩子的年龄和症状轻重，决定马上使用抗生素还是先观察。"
                ),
            ),
            (
                "护理",
                (
                    "不要往耳朵里塞棉签或其他东西。耳朵流脓时不要自行使用滴耳液，请先就诊。"
                    "洗澡时避免耳朵进水。"
                ),
            ),
            (
                "预防",
                "按计划接种疫苗，包括肺炎球菌疫苗和流感疫苗。避免孩子接触二手烟。",
            ),
        ),
        (
            ("耳后红肿、疼痛，耳朵被推向前方", "urgent", "当天到医院耳鼻咽喉科或急诊就诊。"),
            ("精神很差、颈部僵硬或持续高热", "emergency", "立即拨打 120 或去最近的急诊。"),
        ),
        (
            ("NHS Health A to Z: Ear infections", "https://www.nhs.uk/conditions/ear-infections/"),
            ("中华医学会儿科学分会相关指南(示例)", ""),
        ),
    ),
    Topic(
        "uti",
        "condition",
        "zh",
        "尿路感染",
        "泌尿外科",
        ("尿频尿急", "膀胱炎", "小便疼", "urinary tract infection"),
        "尿路感染多见于女性，常见尿频、尿急和排尿时疼痛。"
        "症状明显时请就医，医生会根据检查结果决定是否使用抗生素。",
        (
            (
                "常见表现",
                "- 排尿时灼痛\n- 尿频、尿急，每次尿量少\n- 下腹不适，尿液浑浊或有异味",
            ),
            (
                "在家怎么做",
                (
                    "适当多喝水，不要憋尿。可以按说明书使用止痛药。"
                    "如果医生开了抗生素，请按疗程服完，不要自行停药。"
                ),
            ),
            (
                "预防",
                (
                    "排便后从前往后擦拭，性生活后排尿，穿棉质内衣。反复感染时，请到泌尿外科随访，"
                    "医生会评估是否需要进一步检查。"
                ),
            ),
            (
                "特别提醒",
                "孕妇、男性、儿童和老年人出现尿路感染症状，应尽早就诊，不要自行用药。",
            ),
        ),
        (
            ("发热、寒战、腰背部疼痛", "urgent", "当天就医，这可能是肾脏感染。"),
            ("意识模糊、尿量明显减少", "emergency", "立即拨打 120 或去最近的急诊。"),
        ),
        (
            (
                "NHS Health A to Z: Urinary tract infections",
                "https://www.nhs.uk/conditions/urinary-tract-infections-utis/",
            ),
        ),
    ),
    Topic(
        "tooth-extraction",
        "aftercare",
        "zh",
        "拔牙后护理",
        "口腔科",
        ("拔牙后", "拔智齿后", "拔牙出血"),
        "拔牙后一两天内有少量渗血和轻度疼痛是常见的，通常几天内逐渐减轻。"
        "保护好伤口里的血凝块，有助于伤口愈合。",
        (
            (
                "当天",
                (
                    "- 咬紧纱布半小时到一小时\n- 当天不要刷拔牙处、不要用力漱口\n"
                    "- 不要用吸管，不要吸烟"
                ),
            ),
            (
                "饮食",
                (
                    "麻药作用消失后再进食。前两天吃温凉、软的食物，用另一侧牙齿咀嚼。不要喝酒。"
                    "两三天后可以逐渐恢复平常饮食。"
                ),
            ),
            (
                "止痛和清洁",
                "可以按医生建议使用止痛药。第二天开始，每次饭后用温盐水轻轻漱口；其他牙齿照常刷牙。",
            ),
            (
                "复诊",
                "如果缝了线，请按约定时间回来拆线。疼痛在第三天后反而加重，请联系口腔科。",
            ),
        ),
        (
            ("咬纱布一小时后仍出血不止", "urgent", "再咬紧干净纱布，并当天到口腔科或急诊就诊。"),
            ("面部明显肿胀、发热或张口、吞咽困难", "urgent", "当天就医。"),
            ("呼吸困难", "emergency", "立即拨打 120。"),
        ),
        (
            (
                "NHS Health A to Z: Wisdom tooth removal",
                "https://www.nhs.uk/conditions/wisdom-tooth-removal/",
            ),
        ),
    ),
    Topic(
        "cataract-aftercare",
        "aftercare",
        "zh",
        "白内障手术后护理",
        "眼科",
        ("白内障术后", "白内障手术后"),
        "白内障手术后几天内眼睛有轻度不适和视物模糊是常见的，通常逐渐好转。"
        "请按医生要求使用眼药水，并按时复查。",
        (
            (
                "术后几天",
                "- 按要求戴眼罩睡觉\n- 不要揉眼睛\n- 洗脸洗头时避免脏水进入眼睛",
            ),
            (
                "用药",
                (
                    "按医生开的时间和次数点眼药水，点药前洗手，瓶口不要碰到眼睛。"
                    "几种眼药水之间间隔几分钟。"
                ),
            ),
            (
                "日常活动",
                "可以看电视、散步。术后一段时间内避免剧烈运动、游泳和提重物，具体时间请听医生的建议。",
            ),
            (
                "复查",
                "术后第一天和一周左右通常需要复查，医生会根据恢复情况安排下一次复查和配镜时间。",
            ),
        ),
        (
            ("眼痛加重、视力突然下降或眼红加重", "urgent", "当天到眼科或急诊就诊。"),
            ("眼前出现大量黑影、闪光或像有帘子遮挡", "urgent", "当天到眼科就诊。"),
        ),
        (
            (
                "NHS Health A to Z: Cataract surgery",
                "https://www.nhs.uk/conditions/cataract-surgery/",
            ),
        ),
    ),
    Topic(
        "chest-pain",
        "referral",
        "zh",
        "胸痛怎么分诊",
        "急诊科",
        ("胸口痛", "胸闷", "心口痛"),
        "胸痛可能来自心脏、肺、胃或肌肉，电话里无法判断原因。"
        "持续胸痛伴出汗、气短或放射到手臂时，请立即拨打 120。",
        (
            (
                "需要马上叫救护车的情况",
                "- 胸口压榨样疼痛超过几分钟\n- 伴出汗、恶心、气短\n- 疼痛放射到左臂、下颌或背部",
            ),
            (
                "当天就诊的情况",
                "轻度胸痛反复出现，活动后加重、休息后缓解，请当天到急诊或心内科就诊，不要等到下次发作。",
            ),
            (
                "电话中怎么说",
                "请来电者不要自己开车去医院。等待救护车时坐下休息，打开门，准备好正在服用的药物。",
            ),
            (
                "可以预约门诊的情况",
                "按压胸壁时疼痛、与呼吸或转身有关、没有其他不适，可以预约全科或心内科门诊。",
            ),
        ),
        (
            ("持续胸痛伴出汗、气短或晕倒", "emergency", "立即拨打 120。"),
            ("反复胸闷，活动后加重", "urgent", "当天到急诊或心内科就诊。"),
        ),
        (("NHS Health A to Z: Chest pain", "https://www.nhs.uk/conditions/chest-pain/"),),
    ),
    Topic(
        "fever",
        "faq",
        "zh",
        "发热什么时候需要就医",
        "全科",
        ("发烧", "高烧", "体温高"),
        "大多数发热是身体对感染的正常反应，几天内会好转。"
        "三个月以下婴儿发热、发热超过三天或精神很差时，请及时就医。",
        (
            (
                "在家怎么做",
                (
                    "多喝水，穿着舒适，不要捂汗。可以按说明书使用对乙酰氨基酚或布洛芬，"
                    "儿童按体重用药，不要使用阿司匹林。"
                ),
            ),
            (
                "需要就医的情况",
                "- 三个月以下的婴儿发热\n- 发热超过三天\n- 出现皮疹、呼吸急促或反复呕吐",
            ),
            (
                "测体温",
                "可以用电子体温计测腋下或耳温。运动、洗澡或进食后，休息半小时再测更准确。",
            ),
            (
                "就诊时带什么",
                "记录每次体温和用药时间，带上病历和正在服用的药物，方便医生判断。",
            ),
        ),
        (
            ("抽搐、意识不清或叫不醒", "emergency", "立即拨打 120。"),
            ("皮疹按压不褪色", "emergency", "立即拨打 120 或去最近的急诊。"),
        ),
        (("NHS Health A to Z: Fever in adults", "https://www.nhs.uk/conditions/fever-in-adults/"),),
        question="发烧了要不要去医院?",
    ),
    Topic(
        "nosebleed",
        "faq",
        "zh",
        "流鼻血怎么办",
        "耳鼻咽喉科",
        ("鼻出血", "流鼻血", "鼻子出血"),
        "大多数鼻出血来自鼻腔前部，正确按压十分钟左右通常可以止住。"
        "按压二十分钟仍出血不止，或出血量大时，请尽快就医。",
        (
            (
                "正确的止血方法",
                (
                    "坐直，身体稍向前倾，用拇指和食指捏住鼻翼软的部分，持续按压十到十五分钟，用嘴呼吸。"
                    "不要仰头，以免血流进喉咙。"
                ),
            ),
            (
                "止血以后",
                "一天内不要用力擤鼻涕、挖鼻孔，避免剧烈运动和热饮。如果再次出血，按同样的方法重新按压。",
            ),
            (
                "反复出血",
                "经常流鼻血，或正在服用抗凝药的人，请到耳鼻咽喉科就诊，查找原因。",
            ),
            (
                "预防",
                "空气干燥时可以使用加湿器。不要挖鼻孔，儿童的指甲要剪短。",
            ),
        ),
        (
            ("捏紧鼻翼二十分钟后仍在出血，或出血很多", "emergency", "立即去最近的急诊或拨打 120。"),
            ("头部受伤后流鼻血", "urgent", "当天到急诊就诊。"),
        ),
        (("NHS Health A to Z: Nosebleed", "https://www.nhs.uk/conditions/nosebleed/"),),
        question="流鼻血止不住怎么办?",
    ),
]

EN = [
    Topic(
        "conjunctivitis-en",
        "condition",
        "en",
        "Conjunctivitis (pink eye)",
        "ophthalmology",
        ("pink eye", "red eye", "sticky eye", "红眼病"),
        "Conjunctivitis is a common eye infection or irritation that makes the eye red and sticky. "
        "It usually gets better on its own within one to two weeks.",
        (
            (
                "Symptoms",
                (
                    "- a red or pink eye, in one or both eyes\n- a gritty feeling and watering\n"
                    "- sticky discharge that can glue the eyelashes together in the morning"
                ),
            ),
            (
                "Looking after yourself",
                (
                    "Clean the eyelids gently with cotton wool soaked in cooled boiled water, using a "
                    "fresh piece for each eye. Wash your hands often and do not share towels or "
                    "pillows. Do not wear contact lenses until your eyes are better."
                ),
            ),
            (
                "Is it catching",
                (
                    "Conjunctivitis caused by a virus or bacteria spreads by hands and towels. You do "
                    "not usually need to stay off work or school, but avoid swimming pools while it "
                    "is sticky."
                ),
            ),
            (
                "When to see a doctor",
                (
                    "See an eye doctor if it has not improved after a week. See one sooner if you "
                    "have eye pain, sensitivity to light or changes in your sight. A newborn baby with red, sticky "
                    "eyes needs to be seen the same day."
                ),
            ),
        ),
        (
            (
                "Eye pain, sensitivity to light or changes in your sight",
                "urgent",
                "See an eye doctor today.",
            ),
            (
                "A baby under 28 days old with red, sticky eyes",
                "urgent",
                "Take the baby to hospital today.",
            ),
        ),
        (("NHS Health A to Z: Conjunctivitis", "https://www.nhs.uk/conditions/conjunctivitis/"),),
    ),
    Topic(
        "tooth-extraction-en",
        "aftercare",
        "en",
        "After having a tooth out",
        "dentistry",
        ("tooth extraction aftercare", "after a tooth is taken out", "拔牙后"),
        "Some bleeding and soreness are common for a day or two after a tooth is taken out. "
        "Protecting the blood clot in the socket helps it heal.",
        (
            (
                "On the day",
                (
                    "- bite firmly on the gauze for 30 to 60 minutes\n"
                    "- do not rinse your mouth, spit hard or use a straw\n"
                    "- do not smoke or drink alcohol\n"
                    "- rest with your head raised on an extra pillow for the first night"
                ),
            ),
            (
                "Eating and cleaning",
                (
                    "Wait until the numbness wears off before you eat. Choose soft, cool food for the "
                    "first two days and chew on the other side. From the next day, rinse gently with "
                    "warm salty water after meals and brush your other teeth as usual."
                ),
            ),
            (
                "Pain relief",
                (
                    "Take painkillers as your dentist advises. Pain usually eases over a few days. If "
                    "it gets worse after the third day, contact your dental clinic, as the socket may "
                    "need to be checked."
                ),
            ),
            (
                "Follow-up",
                (
                    "If you had stitches, come back when you were told to so they can be removed. "
                    "Bring a list of your medicines if you take blood thinners, and tell the "
                    "dentist if healing seems slow."
                ),
            ),
        ),
        (
            (
                "Bleeding that does not stop after an hour of pressure",
                "urgent",
                "Bite on clean gauze again and go to your dental clinic or an emergency department today.",
            ),
            (
                "Swelling of the face, a fever, or trouble opening your mouth or swallowing",
                "urgent",
                "Get medical help today.",
            ),
            ("Trouble breathing", "emergency", "Call 120 now."),
        ),
        (
            (
                "NHS Health A to Z: Wisdom tooth removal",
                "https://www.nhs.uk/conditions/wisdom-tooth-removal/",
            ),
        ),
    ),
    Topic(
        "chest-pain-en",
        "referral",
        "en",
        "Chest pain: where to send the caller",
        "emergency medicine",
        ("chest pain", "tight chest", "胸痛"),
        "Chest pain can come from the heart, lungs, stomach or muscles, and the cause cannot be "
        "told over the phone. Chest pain that lasts more than a few minutes with sweating or "
        "breathlessness needs an ambulance: call 120.",
        (
            (
                "Call an ambulance",
                (
                    "- pain that feels heavy or tight and lasts more than a few minutes\n"
                    "- pain with sweating, feeling sick or breathlessness\n"
                    "- pain that spreads to the left arm, jaw or back"
                ),
            ),
            (
                "Same-day care",
                (
                    "Mild chest pain may come back, get worse with activity and ease with rest. "
                    "It needs to be seen today at the emergency department or a heart clinic. Do "
                    "not wait for another episode."
                ),
            ),
            (
                "What to tell the caller",
                (
                    "Ask them not to drive themselves to hospital. While they wait for the ambulance "
                    "they should sit down and rest, open the front door, and have a list of their "
                    "medicines ready."
                ),
            ),
            (
                "A routine appointment",
                (
                    "Some pain is worse when pressing on the chest wall or when turning. With no "
                    "other symptoms, it can be seen at a routine general practice appointment."
                ),
            ),
        ),
        (
            (
                "Chest pain lasting more than a few minutes with sweating, breathlessness or fainting",
                "emergency",
                "Call 120 now.",
            ),
            (
                "Chest tightness that keeps coming back with activity",
                "urgent",
                "Go to the emergency department or a heart clinic today.",
            ),
        ),
        (("NHS Health A to Z: Chest pain", "https://www.nhs.uk/conditions/chest-pain/"),),
    ),
    Topic(
        "fever-en",
        "faq",
        "en",
        "When to see a doctor about a fever",
        "general practice",
        ("high temperature", "fever", "发烧"),
        "Most fevers are the body's normal response to an infection and get better within a few "
        "days. A baby under 3 months with a fever, a fever lasting more than 3 days, or someone "
        "who seems very unwell should see a doctor.",
        (
            (
                "At home",
                (
                    "Drink plenty of fluids and wear light clothing. You can take paracetamol or "
                    "ibuprofen as the leaflet says; give children the dose for their weight, and "
                    "never give aspirin to children under 16."
                ),
            ),
            (
                "See a doctor if",
                (
                    "- a baby under 3 months has a temperature of 38°C or above\n"
                    "- the fever lasts more than 3 days\n"
                    "- there is a rash, fast breathing or repeated vomiting"
                ),
            ),
            (
                "Taking a temperature",
                (
                    "Use a digital thermometer under the arm or in the ear. Wait half an hour after "
                    "exercise, a bath or a meal for a more accurate reading. A normal temperature "
                    "is about 36 to 37°C."
                ),
            ),
            (
                "What to bring",
                (
                    "Write down each temperature and when you took any medicine, and bring your "
                    "medical records and the medicines you are taking. This helps the doctor decide "
                    "what to do next and whether any tests are needed."
                ),
            ),
        ),
        (
            ("A fit (seizure), confusion or being hard to wake", "emergency", "Call 120 now."),
            (
                "A rash that does not fade when you press a glass on it",
                "emergency",
                "Call 120 or go to the nearest emergency department now.",
            ),
        ),
        (("NHS Health A to Z: Fever in adults", "https://www.nhs.uk/conditions/fever-in-adults/"),),
        question="Should I see a doctor about a fever?",
    ),
]

TOPICS_ZH = sorted({t.title for t in ZH} | {a for t in ZH for a in t.aliases if not a.isascii()})
TOPICS_EN = sorted({a for t in EN for a in t.aliases if a.isascii()})
"""Words people search for (used by search_speed.py to make queries)."""

REVIEWERS = (
    "示例医生甲(主治医师，虚构示例数据)",
    "Dr Sample Reviewer B (consultant, fictional sample data)",
)
KIND_TAGS = {
    "zh": {"condition": "疾病", "aftercare": "术后护理", "referral": "分诊", "faq": "常见问题"},
    "en": {"condition": "conditions", "aftercare": "aftercare", "referral": "triage", "faq": "faq"},
}
STAFF_NOTES = {
    "zh": "来电者描述的任何警示症状都优先处理：先按红旗症状指引分诊，再回答其他问题。"
    "不在电话里诊断或推荐具体药物剂量以外的治疗。",
    "en": "Deal with any warning sign the caller describes first, following the red flags, "
    "before answering other questions. Do not diagnose over the phone.",
}
TODAY = "2026-11-22"
"""The day the benchmarks check on: the review dates below give current, due-soon and overdue."""


def entry_data(index: int, total: int) -> dict[str, Any]:
    """The fields of entry `index` as a YAML reader returns them."""
    english = index % 5 == 0
    topics = EN if english else ZH
    topic = topics[(index // 5 if english else index) % len(topics)]
    rng = random.Random(index)
    sections = list(topic.sections)
    rng.shuffle(sections)
    sections = sections[: 4 if topic.lang == "zh" else 3]
    body = "\n\n".join(f"## {heading}\n\n{text}" for heading, text in sections) + "\n"
    data: dict[str, Any] = {
        "id": f"{topic.slug}-{index:05d}",
        "type": topic.kind,
        "lang": topic.lang,
        "title": f"{topic.title} {index}" if english else f"{topic.title}({index})",
    }
    if topic.question:
        data["question"] = topic.question
    data["aliases"] = list(topic.aliases)
    data["specialty"] = topic.specialty
    data["tags"] = [topic.specialty, KIND_TAGS[topic.lang][topic.kind]]
    data["summary"] = topic.summary
    data["body"] = body
    data["red_flags"] = [{"when": w, "urgency": u, "action": a} for w, u, a in topic.red_flags]
    related = (index + 5) % total
    data["related"] = [entry_id(related, total)] if related != index else []
    if not data["related"]:
        del data["related"]
    data["sources"] = [{"title": t, "url": u} if u else {"title": t} for t, u in topic.sources]
    if index % 3 == 0:
        data["staff_notes"] = STAFF_NOTES[topic.lang]
    return data


def entry_id(index: int, total: int) -> str:
    english = index % 5 == 0
    topics = EN if english else ZH
    topic = topics[(index // 5 if english else index) % len(topics)]
    return f"{topic.slug}-{index:05d}"


def _review(index: int, data: dict[str, Any]) -> dict[str, str] | None:
    """One in ten a draft, one due soon, one overdue, the rest current (on TODAY)."""
    state = index % 10
    if state == 1:
        return None
    next_review = {2: "2026-12-10", 3: "2026-10-01"}.get(state, "2027-09-01")
    reviewer = REVIEWERS[1] if data["lang"] == "en" else REVIEWERS[0]
    return {
        "reviewed_by": reviewer,
        "reviewed_on": "2025-10-01" if state == 3 else "2026-09-01",
        "next_review": next_review,
        "fingerprint": fingerprint(data),
    }


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _block(text: str, indent: str = "  ") -> str:
    return "\n".join(indent + line if line else "" for line in text.splitlines())


def entry_yaml(data: dict[str, Any], review: dict[str, str] | None) -> str:
    """The entry as a clinician would write it (block scalars, one field a line)."""
    lines = ["# Sample data for kbtool benchmarks: fictional reviewer, not for clinical use."]
    lines += [f"id: {data['id']}", f"type: {data['type']}", f"lang: {data['lang']}"]
    lines.append(f"title: {_quote(data['title'])}")
    if "question" in data:
        lines.append(f"question: {_quote(data['question'])}")
    lines.append("aliases:")
    lines += [f"  - {_quote(alias)}" for alias in data["aliases"]]
    lines.append(f"specialty: {_quote(data['specialty'])}")
    lines.append("tags: [" + ", ".join(_quote(tag) for tag in data["tags"]) + "]")
    lines.append("summary: >-")
    lines.append(_block(data["summary"]))
    lines.append("body: |")
    lines.append(_block(data["body"]))
    lines.append("red_flags:")
    for flag in data["red_flags"]:
        lines.append(f"  - when: {_quote(flag['when'])}")
        lines.append(f"    urgency: {flag['urgency']}")
        lines.append(f"    action: {_quote(flag['action'])}")
    if data.get("related"):
        lines.append("related: [" + ", ".join(data["related"]) + "]")
    lines.append("sources:")
    for source in data["sources"]:
        lines.append(f"  - title: {_quote(source['title'])}")
        if "url" in source:
            lines.append(f"    url: {source['url']}")
    if "staff_notes" in data:
        lines.append("staff_notes: >-")
        lines.append(_block(data["staff_notes"]))
    if review is not None:
        lines.append("review:")
        lines.append(f"  reviewed_by: {_quote(review['reviewed_by'])}")
        lines += [
            f"  {key}: {review[key]}" for key in ("reviewed_on", "next_review", "fingerprint")
        ]
    return "\n".join(lines) + "\n"


def entry_text(index: int, total: int) -> tuple[str, str]:
    """(path under the KB, file text) of entry `index` of `total`."""
    data = entry_data(index, total)
    return f"{FOLDERS[data['type']]}/{data['id']}.yaml", entry_yaml(data, _review(index, data))


def generate(root: Path, count: int) -> Path:
    """Write `count` entries under `root` (created) and return it."""
    for index in range(count):
        relative, text = entry_text(index, count)
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=10_000)
    arguments = parser.parse_args()
    generate(arguments.out, arguments.count)
    print(f"wrote {arguments.count} entries to {arguments.out}")
