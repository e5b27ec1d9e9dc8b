<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>AssistantPanel</name>
    <message>
        <location filename="../../console/ui/assistant.py" line="435" />
        <source>No absolute terms found.</source>
        <translation>未发现绝对化用语。</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="437" />
        <source>Exception</source>
        <translation>例外</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="462" />
        <source>{0} phrase(s) to review. Warnings only: the same word can be fine in one context and not in another — you decide.</source>
        <translation>{0} 处用语需要复核。仅为提醒：同一个词在不同语境下可能合规也可能不合规，由你决定。</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="465" />
        <source>Nothing to review in the show's material.</source>
        <translation>直播物料中没有需要复核的用语。</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="471" />
        <source>Now on the show</source>
        <translation>直播间现况</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="472" />
        <source>Search by title or SKU</source>
        <translation>按商品名或货号搜索</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="473" />
        <location filename="../../console/ui/assistant.py" line="924" />
        <source>Unpin</source>
        <translation>取消讲解</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="474" />
        <source>PgDown / PgUp pin the next / previous product</source>
        <translation>PgDown / PgUp 讲解下一个 / 上一个商品</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="477" />
        <source>Products</source>
        <translation>商品</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="478" />
        <location filename="../../console/ui/assistant.py" line="1028" />
        <source>Promotions</source>
        <translation>营销活动</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="479" />
        <location filename="../../console/ui/assistant.py" line="588" />
        <location filename="../../console/ui/assistant.py" line="1034" />
        <location filename="../../console/ui/assistant.py" line="1078" />
        <source>Lottery</source>
        <translation>福袋抽奖</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="480" />
        <location filename="../../console/ui/assistant.py" line="589" />
        <location filename="../../console/ui/assistant.py" line="1042" />
        <source>Poll</source>
        <translation>投票</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="481" />
        <source>Journal</source>
        <translation>日志</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="482" />
        <source>Compliance</source>
        <translation>合规</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="486" />
        <source>Re-check</source>
        <translation>重新检查</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="488" />
        <source>Check titles, selling points, promotions and talking points again</source>
        <translation>重新检查标题、卖点、活动和口播要点</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="491" />
        <source>Running now</source>
        <translation>进行中</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="492" />
        <source>Stop selected</source>
        <translation>停止所选</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="493" />
        <source>Prepared promotions</source>
        <translation>预设活动</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="494" />
        <source>Launch</source>
        <translation>发布</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="495" />
        <source>New coupon</source>
        <translation>新建优惠券</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="498" />
        <source>Spend X save Y (满减)</source>
        <translation>满减</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="499" />
        <location filename="../../console/ui/assistant.py" line="511" />
        <source>Percent off</source>
        <translation>折扣</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="500" />
        <source>Amount off (立减)</source>
        <translation>立减</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="507" />
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="508" />
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="509" />
        <source>Spend at least</source>
        <translation>满</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="510" />
        <source>Discount</source>
        <translation>减</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="512" />
        <location filename="../../console/ui/assistant.py" line="521" />
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="513" />
        <source>Valid for (min, 0 = until stopped)</source>
        <translation>有效期（分钟，0 = 直到停止）</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="516" />
        <source>Shown on the banner (optional)</source>
        <translation>显示在横幅上（可选）</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="517" />
        <source>Launch coupon</source>
        <translation>发券</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="518" />
        <source>New flash sale</source>
        <translation>新建秒杀</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="521" />
        <source>Product</source>
        <translation>商品</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="521" />
        <source>Sale price</source>
        <translation>秒杀价</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="521" />
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="523" />
        <source>Start flash sale</source>
        <translation>开始秒杀</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="524" />
        <source>Open a lottery</source>
        <translation>发起福袋</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="528" />
        <location filename="../../console/ui/assistant.py" line="1082" />
        <source>Prize</source>
        <translation>奖品</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="529" />
        <source>Prize value</source>
        <translation>奖品价值</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="530" />
        <source>Entry rule</source>
        <translation>参与方式</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="531" />
        <source>Keyword</source>
        <translation>口令</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="532" />
        <location filename="../../console/ui/assistant.py" line="1086" />
        <source>Winners</source>
        <translation>中奖人数</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="533" />
        <source>Entry open for</source>
        <translation>参与时长</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="534" />
        <source>Draw after close</source>
        <translation>截止后开奖等待</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="535" />
        <location filename="../../console/ui/assistant.py" line="1114" />
        <source>How to claim</source>
        <translation>领奖方式</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="540" />
        <source>Comment the keyword</source>
        <translation>评论口令</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="541" />
        <source>Like</source>
        <translation>点赞</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="542" />
        <source>Follow</source>
        <translation>关注</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="543" />
        <source>Anyone present</source>
        <translation>在直播间即可</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="547" />
        <source>Announce and open</source>
        <translation>公布并开始</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="548" />
        <source>Close entry</source>
        <translation>截止参与</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="550" />
        <source>Reason to close before the announced time (journaled)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="552" />
        <source>Draw winners</source>
        <translation>开奖</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="553" />
        <source>New poll or quiz</source>
        <translation>新建投票或答题</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="557" />
        <source>Question</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="558" />
        <source>Options</source>
        <translation>选项</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="559" />
        <source>Right answer</source>
        <translation>正确答案</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="560" />
        <source>Duration (0 = until stopped)</source>
        <translation>时长（0 = 直到停止）</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="563" />
        <source>Separate options with /</source>
        <translation>选项之间用 / 分隔</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="564" />
        <source>none (a poll)</source>
        <translation>无（投票）</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="565" />
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="566" />
        <source>Stop poll</source>
        <translation>结束投票</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="586" />
        <source>Coupon</source>
        <translation>优惠券</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="587" />
        <source>Flash sale</source>
        <translation>秒杀</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="600" />
        <location filename="../../console/ui/assistant.py" line="1152" />
        <source>{0} left</source>
        <translation>剩余 {0}</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="626" />
        <source>Not done: {0}</source>
        <translation>未执行：{0}</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="670" />
        <source>choose a prepared promotion first</source>
        <translation>请先选择一个预设活动</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="693" />
        <source>the catalog is empty</source>
        <translation>商品库为空</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="721" />
        <location filename="../../console/ui/assistant.py" line="732" />
        <source>no lottery yet</source>
        <translation>还没有福袋</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="746" />
        <source>Draw while the stream is down?</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="748" />
        <source>Every destination is down: viewers would not see the draw. Draw anyway? (journaled as an override)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="770" />
        <source>no poll is running</source>
        <translation>没有进行中的投票</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="777" />
        <source>choose a running coupon or flash sale first</source>
        <translation>请先选择进行中的优惠券或秒杀</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="812" />
        <source>(clock)</source>
        <translation>（定时）</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="813" />
        <source>(rundown)</source>
        <translation>（脚本）</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="817" />
        <source>Pinned {0}</source>
        <translation>开始讲解 {0}</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="819" />
        <source>Unpinned {0}</source>
        <translation>结束讲解 {0}</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="824" />
        <source>Coupon {0} launched: {1}, {2} available</source>
        <translation>优惠券 {0} 已发放：{1}，共 {2} 张</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="829" />
        <source>Coupon {0} expired</source>
        <translation>优惠券 {0} 已过期</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="831" />
        <source>Coupon {0} stopped</source>
        <translation>优惠券 {0} 已停止</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="834" />
        <source>Flash sale {0}: {1} at {2} (list {3}), {4} units</source>
        <translation>秒杀 {0}：{1} {2}（原价 {3}），共 {4} 件</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="844" />
        <source>Flash sale {0} ended (time up)</source>
        <translation>秒杀 {0} 已结束（时间到）</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="845" />
        <source>Flash sale {0} sold out</source>
        <translation>秒杀 {0} 已抢光</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="846" />
        <source>Flash sale {0} stopped</source>
        <translation>秒杀 {0} 已停止</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="848" />
        <source>Lottery {0} announced: {1} × {2}, seed SHA-256 {3}…</source>
        <translation>福袋 {0} 已公布：{1} × {2}，种子 SHA-256 {3}…</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="852" />
        <source>Lottery {0}: entry open</source>
        <translation>福袋 {0}：开始参与</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="854" />
        <source>Lottery {0}: {1} entered</source>
        <translation>福袋 {0}：{1} 已参与</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="856" />
        <source>Lottery {0}: entry closed with {1} entrants</source>
        <translation>福袋 {0}：参与截止，共 {1} 人</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="860" />
        <source>EARLY ({0} s before the announced time): {1}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="864" />
        <source>Lottery {0} drawn: {1}</source>
        <translation>福袋 {0} 已开奖：{1}</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="867" />
        <location filename="../../console/ui/assistant.py" line="1127" />
        <source>no entrants</source>
        <translation>无人参与</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="870" />
        <source>Poll {0}: {1}</source>
        <translation>投票 {0}：{1}</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="872" />
        <source>Poll {0}: a vote</source>
        <translation>投票 {0}：新增一票</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="874" />
        <source>Poll {0} ended</source>
        <translation>投票 {0} 已结束</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="876" />
        <source>Segment {0}: {1}</source>
        <translation>第 {0} 段：{1}</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="878" />
        <source>Segment {0} is over its planned {1}</source>
        <translation>第 {0} 段已超过计划时长 {1}</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="882" />
        <source>Sold {0} × {1}</source>
        <translation>售出 {0} × {1}</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="884" />
        <source>Stock of {0} {1:+d}</source>
        <translation>{0} 库存 {1:+d}</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="886" />
        <source>Cue refused in {0}: {1}</source>
        <translation>{0} 的提示指令被拒绝：{1}</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="888" />
        <source>Catalog loaded: {0} products</source>
        <translation>商品库已载入：{0} 个商品</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="891" />
        <source>Stream down: countdowns held ({0})</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="894" />
        <source>Stream back: held {0:.0f} s: {1}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="920" />
        <source>{0} flash sale</source>
        <translation>秒杀价 {0}</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="922" />
        <source>{0} · {1} · stock {2}</source>
        <translation>{0} · {1} · 库存 {2}</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="924" />
        <source>Pin</source>
        <translation>讲解</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="955" />
        <source>Coupon {0} · {1} · {2} left · {3}</source>
        <translation>优惠券 {0} · {1} · 剩余 {2} · {3}</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="963" />
        <source>Flash sale {0} · {1} {2} · {3}/{4} left · {5}</source>
        <translation>秒杀 {0} · {1} {2} · 剩余 {3}/{4} · {5}</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="975" />
        <source>No coupon or flash sale running</source>
        <translation>没有进行中的优惠券或秒杀</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="999" />
        <source>nothing</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="1000" />
        <source>none running</source>
        <translation>无进行中</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="1003" />
        <source>stock {0}</source>
        <translation>库存 {0}</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="1004" />
        <location filename="../../console/ui/assistant.py" line="1006" />
        <source>Pinned</source>
        <translation>讲解中</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="1010" />
        <source>Flash sale {0} {1} · {2} left · &lt;b&gt;{3}&lt;/b&gt;</source>
        <translation>秒杀 {0} {1} · 剩余 {2} · &lt;b&gt;{3}&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="1022" />
        <source>Coupon {0} · {1} left · &lt;b&gt;{2}&lt;/b&gt;</source>
        <translation>优惠券 {0} · 剩余 {1} · &lt;b&gt;{2}&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="1054" />
        <source>announced</source>
        <translation>已公布</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="1055" />
        <source>entry open</source>
        <translation>参与中</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="1056" />
        <source>entry closed</source>
        <translation>已截止</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="1057" />
        <source>drawn</source>
        <translation>已开奖</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="1062" />
        <source>{0} entrants</source>
        <translation>{0} 人参与</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="1067" />
        <source>draw in {0}</source>
        <translation>{0} 后开奖</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="1073" />
        <source>No lottery yet. Announce one below or from a prepared promotion.</source>
        <translation>还没有福袋。可在下方或从预设活动中发起。</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="1085" />
        <source>How to enter</source>
        <translation>参与方式</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="1088" />
        <source>Entry</source>
        <translation>参与时间</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="1096" />
        <source>Draw at</source>
        <translation>开奖时间</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="1100" />
        <source>Closed early</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="1107" />
        <source>Entrants</source>
        <translation>参与人数</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="1109" />
        <source>Seed SHA-256</source>
        <translation>种子 SHA-256</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="1118" />
        <source>Entrants SHA-256</source>
        <translation>参与名单 SHA-256</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="1126" />
        <source>Winners drawn</source>
        <translation>中奖者</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="1132" />
        <source>Seed (revealed)</source>
        <translation>种子（已公开）</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="1145" />
        <source>No poll yet.</source>
        <translation>还没有投票。</translation>
    </message>
    <message>
        <location filename="../../console/ui/assistant.py" line="1154" />
        <source>ended</source>
        <translation>已结束</translation>
    </message>
</context>
<context>
    <name>AudioStrip</name>
    <message>
        <location filename="../../console/ui/meters.py" line="124" />
        <source>Muted</source>
        <translation>已静音</translation>
    </message>
    <message>
        <location filename="../../console/ui/meters.py" line="124" />
        <source>Mute</source>
        <translation>静音</translation>
    </message>
</context>
<context>
    <name>ChatModel</name>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="124" />
        <source>viewer</source>
        <translation>观众</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="127" />
        <source>{0} ordered {1} ×{2} · {3}</source>
        <translation>{0} 下单了 {1} ×{2} · {3}</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="133" />
        <source>{0} added {1} to the cart</source>
        <translation>{0} 把 {1} 加入了购物车</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="135" />
        <source>{0} sent {1} ×{2}</source>
        <translation>{0} 送出 {1} ×{2}</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="137" />
        <source>{0} followed</source>
        <translation>{0} 关注了主播</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="142" />
        <source>entered the lottery</source>
        <translation>已参与抽奖</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="144" />
        <source>wants {0}</source>
        <translation>想要 {0}</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="178" />
        <source>Flagged, not on the stream: {0}</source>
        <translation>已标记，不上直播画面：{0}</translation>
    </message>
</context>
<context>
    <name>ChatPanel</name>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="369" />
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="369" />
        <source>Questions</source>
        <translation>提问</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="369" />
        <source>Orders</source>
        <translation>订单</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="371" />
        <source>Keyword or name</source>
        <translation>关键词或昵称</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="372" />
        <source>Pin on stream</source>
        <translation>置顶到画面</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="373" />
        <source>Show the selected comment on the stream (name masked)</source>
        <translation>把选中的评论显示在直播画面上（昵称打码）</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="374" />
        <source>Unpin</source>
        <translation>取消讲解</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="375" />
        <source>Block user</source>
        <translation>屏蔽用户</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="377" />
        <source>Hide this viewer's messages from the stream; they stay here, flagged</source>
        <translation>此观众的消息不再上直播画面；在这里仍可看到，并带标记</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="379" />
        <source>Quick replies</source>
        <translation>快捷回复</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="382" />
        <source>Double-click to edit. Copy puts the reply on the clipboard to paste it in the platform's app.</source>
        <translation>双击编辑。复制后粘贴到平台的直播助手里发送。</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="385" />
        <source>Copy reply</source>
        <translation>复制回复</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="386" />
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="387" />
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="433" />
        <source>↓ {0} new — back to the newest</source>
        <translation>↓ {0} 条新消息——回到最新</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="499" />
        <source>Not done: {0}</source>
        <translation>未执行：{0}</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="511" />
        <source>this window has no pinned-comment layer</source>
        <translation>此窗口没有置顶评论图层</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="514" />
        <source>only comments can be pinned</source>
        <translation>只能置顶评论</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="517" />
        <source>a flagged message never goes on the stream</source>
        <translation>被标记的消息不会上直播画面</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="525" />
        <source>Pinned on the stream: {0}</source>
        <translation>已置顶到画面：{0}</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="541" />
        <source>Comment unpinned</source>
        <translation>已取消置顶评论</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="558" />
        <source>Blocked {0}: hidden from the stream from now on</source>
        <translation>已屏蔽 {0}：此后的消息不上直播画面</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="584" />
        <source>Copied — paste it in the platform's app: {0}</source>
        <translation>已复制——请粘贴到平台的直播助手：{0}</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="593" />
        <source>New reply</source>
        <translation>新回复</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="604" />
        <source>Simulated audience</source>
        <translation>模拟观众</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="604" />
        <source>Local ingest</source>
        <translation>本机接入</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="611" />
        <source>on</source>
        <translation>开</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="612" />
        <location filename="../../console/ui/chat_panel.py" line="613" />
        <source>off</source>
        <translation>关</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="614" />
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="618" />
        <source>Sources</source>
        <translation>信号源</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="623" />
        <source>Viewers {0} · Comments {1} · Likes {2} · Orders {3} · Gifts {4}</source>
        <translation>在线 {0} · 评论 {1} · 点赞 {2} · 订单 {3} · 礼物 {4}</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="649" />
        <source>Lottery: {0} entered (keyword “{1}”)</source>
        <translation>抽奖：已有 {0} 人参与（口令“{1}”）</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="651" />
        <source>Lottery: {0} entered</source>
        <translation>抽奖：已有 {0} 人参与</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="663" />
        <source>想要 / want</source>
        <translation>想要</translation>
    </message>
    <message>
        <location filename="../../console/ui/chat_panel.py" line="665" />
        <source>想要 / want: none yet</source>
        <translation>想要：暂无</translation>
    </message>
</context>
<context>
    <name>DashboardPanel</name>
    <message>
        <location filename="../../console/ui/dashboard.py" line="107" />
        <source>Viewers now</source>
        <translation>当前在线</translation>
    </message>
    <message>
        <location filename="../../console/ui/dashboard.py" line="108" />
        <source>Comments / min</source>
        <translation>每分钟评论</translation>
    </message>
    <message>
        <location filename="../../console/ui/dashboard.py" line="109" />
        <source>Likes</source>
        <translation>点赞</translation>
    </message>
    <message>
        <location filename="../../console/ui/dashboard.py" line="110" />
        <source>Orders</source>
        <translation>订单</translation>
    </message>
    <message>
        <location filename="../../console/ui/dashboard.py" line="111" />
        <source>GMV</source>
        <translation>成交额</translation>
    </message>
    <message>
        <location filename="../../console/ui/dashboard.py" line="112" />
        <source>Conversion</source>
        <translation>转化率</translation>
    </message>
    <message>
        <location filename="../../console/ui/dashboard.py" line="116" />
        <source>Report…</source>
        <translation>生成复盘报告…</translation>
    </message>
    <message>
        <location filename="../../console/ui/dashboard.py" line="138" />
        <source>Peak {0} · {1} different viewers seen</source>
        <translation>峰值 {0} · 累计 {1} 位观众</translation>
    </message>
    <message>
        <location filename="../../console/ui/dashboard.py" line="144" />
        <source>Pinned: –</source>
        <translation>讲解中：–</translation>
    </message>
    <message>
        <location filename="../../console/ui/dashboard.py" line="148" />
        <source>Pinned: {0} for {1} · {2} orders · {3} · {4} carts · {5} comments · conversion {6}</source>
        <translation>讲解中：{0}，已 {1} · {2} 单 · {3} · {4} 次加购 · {5} 条评论 · 转化率 {6}</translation>
    </message>
    <message>
        <location filename="../../console/ui/dashboard.py" line="162" />
        <source>Stream: {0} dropped · {1} reconnects · {2}</source>
        <translation>推流：丢帧 {0} · 重连 {1} 次 · {2}</translation>
    </message>
</context>
<context>
    <name>DestinationDialog</name>
    <message>
        <location filename="../../console/ui/destinations.py" line="161" />
        <source>(stored — leave empty to keep)</source>
        <translation>（已保存——留空则保持不变）</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="197" />
        <source>Single-use key, valid 2 days</source>
        <translation>一次性密钥，有效期 2 天</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="214" />
        <source>Paste the stream key from your platform.</source>
        <translation>请粘贴平台提供的推流密钥。</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="247" />
        <source>Edit destination</source>
        <translation>编辑推流目的地</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="247" />
        <source>Add destination</source>
        <translation>添加推流目的地</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="250" />
        <source>Platform</source>
        <translation>平台</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="251" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="252" />
        <source>Push URL</source>
        <translation>推流地址</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="253" />
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="254" />
        <source>Stream key</source>
        <translation>推流密钥</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="260" />
        <source>Paste the full push URL to fill server and key</source>
        <translation>粘贴完整推流地址，自动拆分服务器和密钥</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="261" />
        <source>Hide</source>
        <translation>隐藏</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="261" />
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="262" />
        <source>Show or hide the stream key</source>
        <translation>显示或隐藏推流密钥</translation>
    </message>
</context>
<context>
    <name>DestinationRow</name>
    <message>
        <location filename="../../console/ui/destinations.py" line="356" />
        <source>local</source>
        <translation>本机</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="363" />
        <source>Offline</source>
        <translation>未连接</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="364" />
        <source>Connecting…</source>
        <translation>连接中…</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="365" />
        <source>Live</source>
        <translation>直播中</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="366" />
        <source>Reconnecting…</source>
        <translation>重新连接中…</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="367" />
        <source>Ended</source>
        <translation>已结束</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="368" />
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="384" />
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="385" />
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="386" />
        <source>Reconnect now</source>
        <translation>立即重连</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="387" />
        <source>Send to this destination when going live</source>
        <translation>开播时推流到此目的地</translation>
    </message>
</context>
<context>
    <name>Destinations</name>
    <message>
        <location filename="../../console/ui/destinations.py" line="65" />
        <source>Key expired {0} ago ({1})</source>
        <translation>密钥已于 {0} 前过期（{1}）</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="69" />
        <source>Key expires in {0} ({1})</source>
        <translation>密钥将在 {0} 后过期（{1}）</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="72" />
        <source>Key valid until {0}</source>
        <translation>密钥有效期至 {0}</translation>
    </message>
</context>
<context>
    <name>DestinationsPanel</name>
    <message>
        <location filename="../../console/ui/destinations.py" line="439" />
        <source>No destinations yet. Add one with the server URL and stream key from your platform.</source>
        <translation>还没有推流目的地。请用平台提供的服务器地址和推流密钥添加一个。</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="442" />
        <source>Add destination…</source>
        <translation>添加推流目的地…</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="443" />
        <source>Record a local copy</source>
        <translation>同时录制到本机</translation>
    </message>
</context>
<context>
    <name>HealthPanel</name>
    <message>
        <location filename="../../console/ui/health.py" line="95" />
        <source>Uptime</source>
        <translation>运行时长</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="96" />
        <source>Outgoing bitrate</source>
        <translation>上行码率</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="97" />
        <source>Frame rate</source>
        <translation>帧率</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="98" />
        <source>Dropped frames</source>
        <translation>丢帧</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="99" />
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="100" />
        <source>Encoder</source>
        <translation>编码器</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="101" />
        <source>Encode latency</source>
        <translation>编码延迟</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="102" />
        <source>Destinations</source>
        <translation>推流目的地</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="103" />
        <source>Audience events</source>
        <translation>观众事件</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="135" />
        <source>(preview, not live)</source>
        <translation>（预览，未开播）</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="138" />
        <source>not sending</source>
        <translation>未推流</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="140" />
        <source>{0:.1f} of {1} · preview {2:.0f}</source>
        <translation>{0:.1f} / {1} · 预览 {2:.0f}</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="161" />
        <source>{0:.0f} ms render · {1:.0f} ms encode</source>
        <translation>渲染 {0:.0f} 毫秒 · 编码 {1:.0f} 毫秒</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="168" />
        <source>none live</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="181" />
        <source>{0}: connection lost {1} s ago ({2}), reconnecting, attempt {3}</source>
        <translation>{0}：{1} 秒前断开（{2}），正在重连，第 {3} 次</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="185" />
        <source>room may close in {0} s</source>
        <translation>直播间可能在 {0} 秒后关闭</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="187" />
        <source>the room may have closed</source>
        <translation>直播间可能已关闭</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="191" />
        <source>{0}: connecting</source>
        <translation>{0}：连接中</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="195" />
        <source>{0}: network slow, {1} ms queued</source>
        <translation>{0}：网络缓慢，积压 {1} 毫秒</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="200" />
        <source>rendering {0:.1f} fps of {1}</source>
        <translation>渲染仅 {0:.1f}/{1} 帧每秒</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="211" />
        <source>dropping frames: {0}</source>
        <translation>正在丢帧：{0}</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="218" />
        <source>network slow: video bitrate lowered to {0} of {1} kbps</source>
        <translation>网络较慢：视频码率已降至 {0} / {1} kbps</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="226" />
        <source>link ≈ {0:.1f} Mbit/s, target {1:.1f} Mbit/s ({2})</source>
        <translation>链路约 {0:.1f} Mbit/s，目标 {1:.1f} Mbit/s（{2}）</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="231" />
        <source>CPU at {0:.0f} %</source>
        <translation>CPU 占用 {0:.0f}%</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="243" />
        <source>no audience</source>
        <translation>未接入观众</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="250" />
        <source>{0} accepted · {1} coalesced · {2} sampled out · {3} dropped</source>
        <translation>已记录 {0} · 合并计数 {1} · 未上屏 {2} · 丢弃 {3}</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="259" />
        <source>{0} duplicates</source>
        <translation>重复 {0}</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="261" />
        <source>{0} unaccounted</source>
        <translation>未归类 {0}</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="268" />
        <source>Starting…</source>
        <translation>启动中…</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="270" />
        <source>All good</source>
        <translation>一切正常</translation>
    </message>
</context>
<context>
    <name>HotkeyHelpDialog</name>
    <message>
        <location filename="../../console/ui/hotkeys.py" line="75" />
        <source>Keyboard shortcuts</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <location filename="../../console/ui/hotkeys.py" line="76" />
        <source>These work anywhere in the console window.</source>
        <translation>在控制台窗口的任何位置都可使用。</translation>
    </message>
    <message>
        <location filename="../../console/ui/hotkeys.py" line="77" />
        <source>Keys</source>
        <translation>按键</translation>
    </message>
    <message>
        <location filename="../../console/ui/hotkeys.py" line="77" />
        <source>Action</source>
        <translation>操作</translation>
    </message>
</context>
<context>
    <name>Hotkeys</name>
    <message>
        <location filename="../../console/ui/hotkeys.py" line="35" />
        <source>Go live / stop (asks first)</source>
        <extracomment>The one table. Page Down / Page Up are what presentation clickers send.</extracomment>
        <translation>开播 / 停播（会先确认）</translation>
    </message>
    <message>
        <location filename="../../console/ui/hotkeys.py" line="38" />
        <source>Mute / unmute the microphone</source>
        <translation>麦克风静音 / 取消静音</translation>
    </message>
    <message>
        <location filename="../../console/ui/hotkeys.py" line="40" />
        <source>Next product</source>
        <translation>下一个商品</translation>
    </message>
    <message>
        <location filename="../../console/ui/hotkeys.py" line="41" />
        <source>Previous product</source>
        <translation>上一个商品</translation>
    </message>
    <message>
        <location filename="../../console/ui/hotkeys.py" line="43" />
        <source>Edit layout on the preview</source>
        <translation>在预览上编辑布局</translation>
    </message>
    <message>
        <location filename="../../console/ui/hotkeys.py" line="45" />
        <source>Show this list</source>
        <translation>显示此列表</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <location filename="../../console/ui/destinations.py" line="43" />
        <source>en</source>
        <translation>zh_CN</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../console/ui/show_docks.py" line="125" />
        <source>Dashboard</source>
        <translation>数据看板</translation>
    </message>
    <message>
        <location filename="../../console/ui/show_docks.py" line="141" />
        <source>Writing the show report…</source>
        <translation>正在生成复盘报告…</translation>
    </message>
    <message>
        <location filename="../../console/ui/show_docks.py" line="145" />
        <source>Report written: {0}</source>
        <translation>复盘报告已生成：{0}</translation>
    </message>
    <message>
        <location filename="../../console/ui/show_docks.py" line="148" />
        <source>Report failed: {0}</source>
        <translation>复盘报告生成失败：{0}</translation>
    </message>
    <message>
        <location filename="../../console/ui/audience_menu.py" line="173" />
        <source>The simulated audience runs only in rehearsal: faked comments or orders on a real broadcast are forbidden.</source>
        <translation>模拟观众只能在彩排中使用：正式直播中禁止虚假评论或订单。</translation>
    </message>
    <message>
        <location filename="../../console/ui/audience_menu.py" line="196" />
        <source>A replayed chat runs only in rehearsal: it must never reach a real broadcast.</source>
        <translation>回放的评论只能用于彩排，绝不能出现在真实直播中。</translation>
    </message>
    <message>
        <location filename="../../console/ui/audience_menu.py" line="205" />
        <source>Replay a recorded chat</source>
        <translation>回放已录制的评论</translation>
    </message>
    <message>
        <location filename="../../console/ui/audience_menu.py" line="207" />
        <source>Event logs (*.jsonl);;All files (*)</source>
        <translation>事件日志 (*.jsonl);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../console/ui/audience_menu.py" line="234" />
        <source>Local ingest port</source>
        <translation>本机接入端口</translation>
    </message>
    <message>
        <location filename="../../console/ui/audience_menu.py" line="235" />
        <source>Port on 127.0.0.1 for HTTP POST /v1/events and WebSocket /v1/ws:</source>
        <translation>127.0.0.1 上的端口（HTTP POST /v1/events 与 WebSocket /v1/ws）：</translation>
    </message>
    <message>
        <location filename="../../console/ui/audience_menu.py" line="261" />
        <source>Ingest token copied: send it as Authorization: Bearer &lt;token&gt; to {0}</source>
        <translation>接入令牌已复制：以 Authorization: Bearer &lt;令牌&gt; 发送到 {0}</translation>
    </message>
    <message>
        <location filename="../../console/ui/audience_menu.py" line="274" />
        <source>Blocked words</source>
        <translation>屏蔽词</translation>
    </message>
    <message>
        <location filename="../../console/ui/audience_menu.py" line="275" />
        <source>One word or phrase a line. Chat containing one is hidden from the stream and shown flagged here.</source>
        <translation>每行一个词或短语。含屏蔽词的评论不上直播画面，在这里带标记显示。</translation>
    </message>
    <message>
        <location filename="../../console/ui/audience_menu.py" line="303" />
        <source>Audience source {0} stopped: {1}</source>
        <translation>观众来源 {0} 已停止：{1}</translation>
    </message>
    <message>
        <location filename="../../console/ui/audience_menu.py" line="312" />
        <source>Ingest: listening on http://127.0.0.1:{0}</source>
        <translation>接入：正在监听 http://127.0.0.1:{0}</translation>
    </message>
    <message>
        <location filename="../../console/ui/audience_menu.py" line="316" />
        <source>Ingest: failed — {0}</source>
        <translation>接入：失败——{0}</translation>
    </message>
    <message>
        <location filename="../../console/ui/audience_menu.py" line="318" />
        <source>Ingest: off (port {0})</source>
        <translation>接入：关闭（端口 {0}）</translation>
    </message>
    <message>
        <location filename="../../console/ui/audience_menu.py" line="321" />
        <source>Local &amp;ingest (HTTP/WebSocket on 127.0.0.1:{0})</source>
        <translation>本机接入(&amp;I)（HTTP/WebSocket，127.0.0.1:{0}）</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="186" />
        <source>Sources</source>
        <translation>信号源</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="187" />
        <source>Audio mixer</source>
        <translation>混音</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="188" />
        <source>Layers</source>
        <translation>图层</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="189" />
        <source>Destinations</source>
        <translation>推流目的地</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="190" />
        <source>Stream health</source>
        <translation>推流状态</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="191" />
        <source>Canvas and encoding</source>
        <translation>画布与编码</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="195" />
        <source>Video</source>
        <translation>视频</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="195" />
        <source>Audio</source>
        <translation>音频</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="198" />
        <source>Orientation</source>
        <translation>方向</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="199" />
        <source>Resolution</source>
        <translation>分辨率</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="200" />
        <source>Frame rate</source>
        <translation>帧率</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="201" />
        <source>Video bitrate</source>
        <translation>视频码率</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="202" />
        <source>Encoder</source>
        <translation>编码器</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="206" />
        <source>Portrait 9:16</source>
        <translation>竖屏 9:16</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="207" />
        <source>Landscape 16:9</source>
        <translation>横屏 16:9</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="208" />
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="210" />
        <source>Restarts the preview with the new canvas; not while live</source>
        <translation>以新画布重启预览；直播中不可修改</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="212" />
        <source>Find cameras</source>
        <translation>查找摄像头</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="213" />
        <source>Add music…</source>
        <translation>添加音乐…</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="214" />
        <source>Master</source>
        <translation>总输出</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="215" />
        <source>Raise</source>
        <translation>上移</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="216" />
        <source>Lower</source>
        <translation>下移</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="217" />
        <source>Edit layout</source>
        <translation>编辑布局</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="219" />
        <source>Drag overlays on the preview to move them; drag a corner to resize</source>
        <translation>在预览上拖动叠加层即可移动；拖动角点可调整大小</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="221" />
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="222" />
        <source>&amp;Console</source>
        <translation>控制台(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="223" />
        <source>&amp;Rehearsal mode (nothing leaves this machine)</source>
        <translation>彩排模式（不向外推流）(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="224" />
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="228" />
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="229" />
        <source>System language</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="230" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="231" />
        <source>&amp;Audience</source>
        <translation>观众(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="232" />
        <source>&amp;Simulated audience (rehearsal only)</source>
        <translation>模拟观众(&amp;S)（仅彩排）</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="233" />
        <source>Ingest &amp;port…</source>
        <translation>接入端口(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="234" />
        <source>&amp;Copy ingest token</source>
        <translation>复制接入令牌(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="235" />
        <source>&amp;Blocked words…</source>
        <translation>屏蔽词(&amp;B)…</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="236" />
        <source>&amp;Replay a recorded chat… (rehearsal only)</source>
        <translation>回放已录制的评论…（仅彩排）</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="238" />
        <source>Chat</source>
        <translation>评论</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="239" />
        <source>&amp;Chat panel</source>
        <translation>评论面板(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="241" />
        <source>Open the assistant in its own &amp;window</source>
        <translation>在独立窗口中打开助理面板(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="243" />
        <source>Assistant</source>
        <translation>助理</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="244" />
        <source>&amp;Assistant panel</source>
        <translation>助理面板(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="245" />
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="246" />
        <source>&amp;Keyboard shortcuts</source>
        <translation>快捷键(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="247" />
        <source>&amp;About Live Console</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="248" />
        <source>Starting the preview…</source>
        <translation>正在启动预览…</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="249" />
        <location filename="../../console/ui/main_window.py" line="299" />
        <location filename="../../console/ui/main_window.py" line="332" />
        <source>REHEARSAL</source>
        <translation>彩排</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="260" />
        <source>No OS keyring ({0}): stream keys are kept in memory for this session only.</source>
        <translation>没有可用的系统钥匙串（{0}）：推流密钥只在本次运行期间保存在内存中。</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="281" />
        <source>Stop before switching between rehearsal and live.</source>
        <translation>请先停止，再在彩排与正式直播之间切换。</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="296" />
        <source>The simulated audience is still attached: going live to a platform is refused until you switch it off (Audience menu).</source>
        <translation>模拟观众仍在接入：关闭它之前（“观众”菜单）无法开播到平台。</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="309" />
        <source>REHEARSAL · 彩排</source>
        <translation>彩排 · REHEARSAL</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="311" />
        <location filename="../../console/ui/main_window.py" line="334" />
        <source>ON AIR</source>
        <translation>直播中</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="313" />
        <source>OFF AIR</source>
        <translation>未开播</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="445" />
        <source>About Live Console</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="446" />
        <source>Live Console {version}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../console/ui/destinations_part.py" line="330" />
        <location filename="../../console/ui/main_window.py" line="319" />
        <source>Stop rehearsal</source>
        <translation>结束彩排</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations_part.py" line="332" />
        <location filename="../../console/ui/main_window.py" line="319" />
        <source>Stop stream</source>
        <translation>结束直播</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations_part.py" line="294" />
        <location filename="../../console/ui/main_window.py" line="321" />
        <source>Start rehearsal</source>
        <translation>开始彩排</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations_part.py" line="296" />
        <location filename="../../console/ui/main_window.py" line="321" />
        <source>Go live</source>
        <translation>开播</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="323" />
        <source>Connecting…</source>
        <translation>连接中…</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="337" />
        <source>Live Console</source>
        <translation>直播控制台</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="347" />
        <source>Rehearsal always records a local copy.</source>
        <translation>彩排始终会录制到本机。</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_panel.py" line="43" />
        <source>The preview could not start: {0}</source>
        <translation>预览无法启动：{0}</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_panel.py" line="84" />
        <source>Searching…</source>
        <translation>查找中…</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_panel.py" line="92" />
        <source>No camera found. Connect one and search again, or use a media file.</source>
        <translation>未找到摄像头。请连接后重新查找，或使用媒体文件。</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_panel.py" line="104" />
        <source>Test pattern</source>
        <translation>测试图</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_panel.py" line="106" />
        <source>Camera {0}</source>
        <translation>摄像头 {0}</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_panel.py" line="111" />
        <source>Media file…</source>
        <translation>媒体文件…</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_panel.py" line="112" />
        <source>Image…</source>
        <translation>图片…</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_panel.py" line="113" />
        <source>Camera or stream URL…</source>
        <translation>摄像头或网络流地址…</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_panel.py" line="121" />
        <source>Test tone</source>
        <translation>测试音</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_panel.py" line="122" />
        <source>Silence</source>
        <translation>静音信号</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_panel.py" line="123" />
        <source>Microphone (system default)</source>
        <translation>麦克风（系统默认）</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_panel.py" line="125" />
        <source>Microphone: {0}</source>
        <translation>麦克风：{0}</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_panel.py" line="131" />
        <source>Audio file…</source>
        <translation>音频文件…</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_panel.py" line="140" />
        <source>Choose a media file</source>
        <translation>选择媒体文件</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_panel.py" line="142" />
        <source>Media (*.mp4 *.mov *.mkv *.flv *.webm);;All files (*)</source>
        <translation>媒体 (*.mp4 *.mov *.mkv *.flv *.webm);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_panel.py" line="148" />
        <source>Choose an image</source>
        <translation>选择图片</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_panel.py" line="150" />
        <source>Images (*.png *.jpg *.jpeg *.webp);;All files (*)</source>
        <translation>图片 (*.png *.jpg *.jpeg *.webp);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_panel.py" line="158" />
        <source>Camera or stream</source>
        <translation>摄像头或网络流</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_panel.py" line="159" />
        <source>Device index, video file path or stream URL:</source>
        <translation>设备编号、视频文件路径或网络流地址：</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_panel.py" line="178" />
        <source>Choose an audio or media file</source>
        <translation>选择音频或媒体文件</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_panel.py" line="180" />
        <source>Media (*.mp3 *.m4a *.wav *.aac *.mp4 *.mkv);;All files (*)</source>
        <translation>媒体 (*.mp3 *.m4a *.wav *.aac *.mp4 *.mkv);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_panel.py" line="201" />
        <source>Choose background music</source>
        <translation>选择背景音乐</translation>
    </message>
    <message>
        <location filename="../../console/ui/sources_panel.py" line="203" />
        <source>Audio (*.mp3 *.m4a *.wav *.aac *.flac *.mp4);;All files (*)</source>
        <translation>音频 (*.mp3 *.m4a *.wav *.aac *.flac *.mp4);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../console/ui/layers_panel.py" line="111" />
        <source>Tick to show on the stream</source>
        <translation>勾选后在直播画面中显示</translation>
    </message>
    <message>
        <location filename="../../console/ui/layers_panel.py" line="172" />
        <source>No safe-zone guide</source>
        <translation>不显示安全区</translation>
    </message>
    <message>
        <location filename="../../console/ui/layers_panel.py" line="176" />
        <source>Safe zones: {0}</source>
        <translation>安全区：{0}</translation>
    </message>
    <message>
        <location filename="../../console/ui/canvas_panel.py" line="50" />
        <source>Automatic (hardware if it opens)</source>
        <translation>自动（优先可用的硬件编码）</translation>
    </message>
    <message>
        <location filename="../../console/ui/canvas_panel.py" line="54" />
        <source>libx264 (checking hardware…)</source>
        <translation>libx264（正在检测硬件…）</translation>
    </message>
    <message>
        <location filename="../../console/ui/canvas_panel.py" line="66" />
        <source>Stop before changing the canvas.</source>
        <translation>请先停止，再修改画布。</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations_part.py" line="85" />
        <source>No OS keyring ({0}): the key is kept in memory until you quit.</source>
        <translation>没有可用的系统钥匙串（{0}）：密钥只保存在内存中，退出后丢失。</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations_part.py" line="130" />
        <source>Remove destination</source>
        <translation>删除推流目的地</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations_part.py" line="131" />
        <source>Remove {0} and forget its stream key?</source>
        <translation>删除 {0} 并清除其推流密钥？</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations_part.py" line="180" />
        <source>Nothing to send to: add a destination or turn on the local recording.</source>
        <translation>没有推流目标：请添加推流目的地或开启本机录制。</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations_part.py" line="185" />
        <source>Rehearsal cannot reach {0}: only local recording and an ingest on this machine (127.0.0.1, localhost) are allowed. Switch rehearsal off to go live.</source>
        <translation>彩排模式不能推流到 {0}：只允许本机录制和本机接收端（127.0.0.1、localhost）。正式开播请先关闭彩排模式。</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations_part.py" line="190" />
        <source>Not going live: {0}</source>
        <translation>未开播：{0}</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations_part.py" line="243" />
        <source>{0}: Kuaishou keys work once and for 2 days; a used key is refused.</source>
        <translation>{0}：快手推流密钥只能使用一次，有效期 2 天；用过的密钥会被拒绝。</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations_part.py" line="192" />
        <source>No stream key for {0}: edit the destination and paste the key.</source>
        <translation>{0} 没有推流密钥：请编辑该目的地并粘贴密钥。</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations_part.py" line="266" />
        <source>local recording</source>
        <translation>本机录制</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations_part.py" line="270" />
        <source>Start the rehearsal to:</source>
        <translation>开始彩排，输出到：</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations_part.py" line="272" />
        <source>Go live now to:</source>
        <translation>现在开播，推流到：</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations_part.py" line="286" />
        <source>⚠ Compliance: {0} phrase(s) in the show's material to review (advertising law; a warning — you decide in context):</source>
        <translation>⚠ 合规：直播物料中有 {0} 处用语需要复核（广告法；仅为提醒——请结合语境自行决定）：</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations_part.py" line="306" />
        <source>Local recording</source>
        <translation>本机录制</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations_part.py" line="335" />
        <source>Stop the rehearsal?</source>
        <translation>结束彩排？</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations_part.py" line="337" />
        <source>End the live stream for every destination?</source>
        <translation>结束所有目的地的直播？</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations_part.py" line="372" />
        <source>Recording saved: {0}</source>
        <translation>录像已保存：{0}</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="398" />
        <source>preview {0:.0f} fps</source>
        <translation>预览 {0:.0f} 帧/秒</translation>
    </message>
    <message>
        <location filename="../../console/ui/window_state.py" line="37" />
        <source>Settings not saved: {0}</source>
        <translation>设置未保存：{0}</translation>
    </message>
    <message>
        <location filename="../../console/ui/window_state.py" line="43" />
        <source>Layout not saved: {0}</source>
        <translation>布局未保存：{0}</translation>
    </message>
    <message>
        <location filename="../../console/ui/window_state.py" line="75" />
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../console/ui/window_state.py" line="76" />
        <source>You are live. End the stream and quit?</source>
        <translation>正在直播。结束直播并退出？</translation>
    </message>
    <message>
        <location filename="../../console/ui/remote_part.py" line="118" />
        <source>Remote &amp;control (obs-websocket, port {0})</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../console/ui/remote_part.py" line="123" />
        <source>Copy the remote-control &amp;password</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../console/ui/remote_part.py" line="125" />
        <source>&amp;Phone panel…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../console/ui/remote_part.py" line="126" />
        <source>Allow phones on the Wi-Fi (LAN)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../console/ui/remote_part.py" line="228" />
        <source>Remote control did not start: {0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../console/ui/remote_part.py" line="291" />
        <location filename="../../console/ui/remote_part.py" line="337" />
        <source>The phone panel did not start: {0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../console/ui/remote_part.py" line="350" />
        <source>remote: {0} connected</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../console/ui/remote_part.py" line="361" />
        <source>LAN: phones can connect at {0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../console/ui/window_build.py" line="342" />
        <source>&amp;Recordings</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../console/ui/window_build.py" line="343" />
        <source>&amp;Clips…</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>RundownPanel</name>
    <message>
        <location filename="../../console/ui/rundown.py" line="136" />
        <source>◀ Previous</source>
        <extracomment>The timer turns amber this many seconds before the planned end (or at 80 % of it).</extracomment>
        <translation>◀ 上一段</translation>
    </message>
    <message>
        <location filename="../../console/ui/rundown.py" line="137" />
        <source>Next segment ▶</source>
        <translation>下一段 ▶</translation>
    </message>
    <message>
        <location filename="../../console/ui/rundown.py" line="138" />
        <source>Starts the next segment and runs its cues</source>
        <translation>开始下一段并执行其提示指令</translation>
    </message>
    <message>
        <location filename="../../console/ui/rundown.py" line="139" />
        <source>Double-click a segment to go to it (its cues run)</source>
        <translation>双击跳到该段（会执行其提示指令）</translation>
    </message>
    <message>
        <location filename="../../console/ui/rundown.py" line="152" />
        <source>Not done: {0}</source>
        <translation>未执行：{0}</translation>
    </message>
    <message>
        <location filename="../../console/ui/rundown.py" line="166" />
        <source>already at the first segment</source>
        <translation>已经是第一段</translation>
    </message>
    <message>
        <location filename="../../console/ui/rundown.py" line="198" />
        <source>Not started · {0} segments</source>
        <translation>未开始 · 共 {0} 段</translation>
    </message>
    <message>
        <location filename="../../console/ui/rundown.py" line="200" />
        <source>No rundown</source>
        <translation>没有直播脚本</translation>
    </message>
    <message>
        <location filename="../../console/ui/rundown.py" line="204" />
        <source>Press Next to start with “{0}”.</source>
        <translation>按“下一段”从“{0}”开始。</translation>
    </message>
    <message>
        <location filename="../../console/ui/rundown.py" line="206" />
        <source>This show has no rundown.json segments.</source>
        <translation>这场直播的 rundown.json 中没有段落。</translation>
    </message>
    <message>
        <location filename="../../console/ui/rundown.py" line="212" />
        <source>No talking points.</source>
        <translation>没有讲解要点。</translation>
    </message>
    <message>
        <location filename="../../console/ui/rundown.py" line="215" />
        <source>Up next: {0}</source>
        <translation>下一段：{0}</translation>
    </message>
    <message>
        <location filename="../../console/ui/rundown.py" line="218" />
        <source>Last segment</source>
        <translation>最后一段</translation>
    </message>
    <message>
        <location filename="../../console/ui/rundown.py" line="235" />
        <source>+{0} over · {1}</source>
        <translation>超时 +{0} · {1}</translation>
    </message>
</context>
</TS>