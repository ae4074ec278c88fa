"""The demo office's two demonstration sites for 2026: the party secretary's urban community and the director's
resettlement village, each with a tailored plan of feature projects in progress and their records."""

import datetime

from wuxing.campaigns.models import Campaign
from wuxing.core.actors import DEMO
from wuxing.core.uploads import as_upload, sample_jpeg
from wuxing.org.demo import LEADERS, branch_code
from wuxing.org.models import Branch, Person

from . import services
from .models import ProjectKind

D = datetime.date

SITES = [
    {
        "leader": "party_secretary",
        "branch": "001",
        "feature": "红色物业·邻里共治",
        "claimed_on": D(2026, 2, 20),
        "plan": (
            "一社区一特色：以“红色物业”为抓手，推动辖区单位共驻共建、在职党员进社区，"
            "搭建“民情茶馆”议事平台，壮大志愿服务队伍，建设智慧小区，争创“五星”支部。"
        ),
        "projects": [
            (
                "co_building",
                "与辖区单位签订共驻共建协议",
                "物业公司、医院、学校等8家单位共驻共建",
                D(2026, 3, 1),
                D(2026, 10, 31),
                [
                    ("梳理辖区单位资源清单", True),
                    ("签订首批协议", True),
                    ("召开共建联席会议", True),
                    ("年度共建成效评估", False),
                ],
            ),
            (
                "in_service_members",
                "在职党员进社区“双报到”",
                "在职党员到社区报到，认领服务岗位",
                D(2026, 3, 10),
                D(2026, 11, 30),
                [("发布服务岗位", True), ("组织党员报到", True), ("开展服务积分评比", False)],
            ),
            (
                "tea_house",
                "“民情茶馆”议事平台",
                "每月一次，居民说事、干部答事",
                D(2026, 3, 15),
                D(2026, 12, 31),
                [("茶馆场地布置", True), ("制定议事规则", True), ("办结事项公示", False)],
            ),
            (
                "volunteers",
                "“红马甲”志愿服务队",
                "组建志愿服务队，常态化开展服务",
                D(2026, 3, 1),
                D(2026, 12, 31),
                [("组建服务队", True), ("服务时长积分兑换", False)],
            ),
            (
                "smart_community",
                "智慧小区建设",
                "门禁、监控、停车一体化管理",
                D(2026, 5, 1),
                D(2026, 12, 15),
                [("方案设计", True), ("门禁改造", False), ("平台上线", False)],
            ),
        ],
    },
    {
        "leader": "director",
        "branch": "012",
        "feature": "安居乐业·网格治理",
        "claimed_on": D(2026, 2, 22),
        "plan": (
            "一村一特色：以可视网格化管理为基础，完善党群服务中心功能，做实“一老一幼一青壮”服务，"
            "推进综合环境提升，让群众搬得进、稳得住、能致富。"
        ),
        "projects": [
            (
                "grid",
                "可视网格化管理",
                "全村划分网格，网格员包片，事件上报闭环处置",
                D(2026, 3, 5),
                D(2026, 10, 31),
                [("划分网格、配齐网格员", True), ("上线网格事件上报", True), ("月度事件分析会", False)],
            ),
            (
                "service_center",
                "党群服务中心功能优化",
                "一站式代办、议事、活动功能",
                D(2026, 4, 1),
                D(2026, 9, 30),
                [("功能分区改造", True), ("代办事项清单公布", True), ("群众满意度测评", False)],
            ),
            (
                "old_young_adult",
                "“一老一幼一青壮”服务",
                "老年食堂、四点半课堂、就业技能培训",
                D(2026, 4, 10),
                D(2026, 12, 31),
                [("老年食堂开餐", True), ("四点半课堂开课", False), ("青壮年技能培训", False)],
            ),
            (
                "volunteers",
                "安居志愿服务队",
                "党员带头、群众参与的志愿服务",
                D(2026, 3, 20),
                D(2026, 12, 31),
                [("组建服务队", True), ("服务项目清单", False)],
            ),
            (
                "environment",
                "综合环境提升",
                "楼栋环境、绿化、停车秩序整治",
                D(2026, 5, 1),
                D(2026, 11, 30),
                [("整治方案公示", True), ("楼栋环境整治", True), ("绿化补植", False), ("停车秩序整治", False)],
            ),
        ],
    },
]

AGREEMENTS = [
    ("明湖物业服务有限公司", "物业服务质量提升、党员先锋岗", D(2026, 3, 12), D(2027, 3, 11)),
    ("区人民医院", "每月一次义诊、家庭医生签约", D(2026, 3, 18), D(2027, 3, 17)),
    ("明湖实验小学", "共享运动场地、假期托管", D(2026, 4, 2), None),
    ("区供电公司明湖供电所", "安全用电检查、老旧线路改造", D(2026, 4, 20), D(2027, 4, 19)),
    ("明湖派出所", "警务进社区、平安创建", D(2026, 5, 8), None),
]
MEMBERS = [
    ("钱立国", "区税务局"),
    ("孙雅静", "区教育局"),
    ("周海波", "市自来水公司"),
    ("吴晓梅", "区人民医院"),
    ("郑建新", "区城管局"),
]
SESSIONS = [
    (D(2026, 4, 15), "小区停车难；3号楼路灯损坏", 2, "协调周边单位错时共享车位；路灯已报修", "5月底前完成车位共享协议"),
    (D(2026, 5, 20), "楼道堆物；快递乱放；健身器材老化", 3, "开展楼道清理；设置快递柜", "物业每周巡查"),
    (D(2026, 6, 17), "老年人就餐不便", 1, "筹建社区老年食堂", "已纳入“一老一幼”服务项目"),
    (D(2026, 7, 15), "雨季积水；噪音扰民", 2, "疏通雨水管网；约谈商户", "城管办跟踪整改"),
]
TEAMS = {
    "001": [
        (
            "红马甲服务队",
            "李红梅",
            ["陈晓燕", "王建华", "刘振宇", "赵秀兰", "黄春生"],
            [
                (D(2026, 4, 5), "清理楼道堆物", 5, "15"),
                (D(2026, 5, 12), "关爱独居老人", 4, "12"),
                (D(2026, 6, 8), "垃圾分类宣传", 5, "10"),
            ],
        ),
        (
            "银发服务队",
            "张德胜",
            ["徐玉霞", "孙世杰", "朱翠萍"],
            [(D(2026, 5, 3), "读报讲政策", 3, "6"), (D(2026, 7, 1), "七一送学上门", 3, "9")],
        ),
    ],
    "012": [
        (
            "安居志愿服务队",
            "杨俊峰",
            ["林淑珍", "何宏伟", "郭亚楠", "罗长青"],
            [(D(2026, 4, 18), "环境卫生大扫除", 4, "16"), (D(2026, 6, 22), "防汛巡查", 4, "12.5")],
        )
    ],
}
GRIDS = [
    (
        "第一网格",
        "1—6号楼",
        420,
        [("梁素琴", "head"), ("宋家豪", "worker")],
        [
            (D(2026, 4, 8), "环境卫生", "楼前垃圾堆放", D(2026, 4, 9)),
            (D(2026, 5, 16), "矛盾纠纷", "邻里漏水纠纷", D(2026, 5, 20)),
            (D(2026, 7, 2), "安全隐患", "电动车楼道充电", None),
        ],
    ),
    (
        "第二网格",
        "7—12号楼",
        380,
        [("谢晓东", "head"), ("韩美玲", "worker")],
        [
            (D(2026, 4, 22), "设施维修", "路灯不亮", D(2026, 4, 25)),
            (D(2026, 6, 3), "环境卫生", "绿化带杂物", D(2026, 6, 4)),
        ],
    ),
    ("第三网格", "商业街及沿街商铺", 210, [("唐庆丰", "head")], [(D(2026, 6, 19), "市容秩序", "占道经营", None)]),
]


def load(*, office, say):
    """Add demo data for `office`; `say` prints a progress line."""
    campaign = Campaign.objects.filter(office=office, year=2026).first()
    if campaign is None:
        return
    today = datetime.date.today()

    def past(d):
        return min(d, today)

    leaders = {row["key"]: row["name"] for row in LEADERS}
    for spec in SITES:
        leader = Person.objects.get(office=office, name=leaders[spec["leader"]], is_leader=True)
        branch = Branch.objects.get(code=branch_code(spec["branch"]))
        site = services.site_claim(
            actor=DEMO,
            campaign=campaign,
            branch=branch,
            leader=leader,
            feature=spec["feature"],
            plan=spec["plan"],
            claimed_on=past(spec["claimed_on"]),
        )
        kinds = {k.code: k for k in ProjectKind.objects.filter(office=office)}
        for code, title, goal, start, due, milestones in spec["projects"]:
            project = services.project_create(
                actor=DEMO,
                site=site,
                kind=kinds[code],
                title=title,
                goal=goal,
                lead=leader.name,
                started_on=past(start),
                due_on=due,
                milestones=[(m, None) for m, _done in milestones],
            )
            for milestone, (_title, done) in zip(project.milestones.order_by("sort_order"), milestones):
                if done:
                    services.milestone_complete(
                        actor=DEMO,
                        milestone=milestone,
                        done_on=past(start + datetime.timedelta(days=20 * milestone.sort_order)),
                    )
            services.project_add_evidence(
                actor=DEMO,
                project=project,
                evidence=[as_upload(sample_jpeg(f"{branch.name} {title}"), f"{code}.jpg", "image/jpeg")],
                caption=title,
            )
            _records(project, code, spec["branch"], past)
        say(
            f"      示范点：{branch.name}（{leader.position}{leader.name}认领，{spec['feature']}），特色项目 {len(spec['projects'])} 个"
        )


def _records(project, code, branch_suffix, past):
    if code == "co_building":
        for partner, content, signed, term_end in AGREEMENTS:
            services.agreement_add(
                actor=DEMO, project=project, partner=partner, content=content, signed_on=past(signed), term_end=term_end
            )
    elif code == "in_service_members":
        for i, (name, employer) in enumerate(MEMBERS):
            member = services.member_register(
                actor=DEMO, project=project, name=name, employer=employer, registered_on=past(D(2026, 3, 20 + i))
            )
            for k in range(1 + i % 3):
                services.service_record_add(
                    actor=DEMO,
                    member=member,
                    served_on=past(D(2026, 4 + k, 10 + i)),
                    content=["政策宣讲", "结对帮扶", "文明劝导"][k],
                    hours=2 + k,
                )
    elif code == "tea_house":
        for held_on, issues, count, answers, follow_up in SESSIONS:
            services.tea_session_add(
                actor=DEMO,
                project=project,
                held_on=past(held_on),
                issues=issues,
                issue_count=count,
                answers=answers,
                follow_up=follow_up,
            )
    elif code == "volunteers":
        for name, captain, volunteers, activities in TEAMS[branch_suffix]:
            team = services.team_add(actor=DEMO, project=project, name=name, captain=captain)
            for i, volunteer in enumerate(volunteers):
                services.volunteer_add(actor=DEMO, team=team, name=volunteer, joined_on=past(D(2026, 3, 10 + i)))
            for held_on, title, count, hours in activities:
                services.volunteer_activity_add(
                    actor=DEMO, team=team, held_on=past(held_on), title=title, volunteer_count=count, hours=hours
                )
    elif code == "grid":
        for name, area, households, workers, incidents in GRIDS:
            grid = services.grid_add(actor=DEMO, project=project, name=name, area=area, households=households)
            for worker, role in workers:
                services.grid_worker_add(actor=DEMO, grid=grid, name=worker, role=role)
            for reported, category, description, closed in incidents:
                incident = services.incident_report(
                    actor=DEMO, grid=grid, reported_on=past(reported), category=category, description=description
                )
                if closed:
                    services.incident_close(
                        actor=DEMO, incident=incident, closed_on=past(closed), result="已处置，群众满意"
                    )


from .demo_places import load_places  # noqa: E402

STEPS = [("示范点引领", load), ("示范点位置", load_places)]
