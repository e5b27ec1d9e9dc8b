<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>AudioStrip</name>
    <message>
        <location filename="../../console/ui/meters.py" line="123" />
        <source>Muted</source>
        <translation>已静音</translation>
    </message>
    <message>
        <location filename="../../console/ui/meters.py" line="123" />
        <source>Mute</source>
        <translation>静音</translation>
    </message>
</context>
<context>
    <name>DestinationDialog</name>
    <message>
        <location filename="../../console/ui/destinations.py" line="159" />
        <source>(stored — leave empty to keep)</source>
        <translation>（已保存——留空则保持不变）</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="195" />
        <source>Single-use key, valid 2 days</source>
        <translation>一次性密钥，有效期 2 天</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="212" />
        <source>Paste the stream key from your platform.</source>
        <translation>请粘贴平台提供的推流密钥。</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="236" />
        <source>Edit destination</source>
        <translation>编辑推流目的地</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="236" />
        <source>Add destination</source>
        <translation>添加推流目的地</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="239" />
        <source>Platform</source>
        <translation>平台</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="240" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="241" />
        <source>Push URL</source>
        <translation>推流地址</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="242" />
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="243" />
        <source>Stream key</source>
        <translation>推流密钥</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="249" />
        <source>Paste the full push URL to fill server and key</source>
        <translation>粘贴完整推流地址，自动拆分服务器和密钥</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="250" />
        <source>Hide</source>
        <translation>隐藏</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="250" />
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="251" />
        <source>Show or hide the stream key</source>
        <translation>显示或隐藏推流密钥</translation>
    </message>
</context>
<context>
    <name>DestinationRow</name>
    <message>
        <location filename="../../console/ui/destinations.py" line="327" />
        <source>local</source>
        <translation>本机</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="334" />
        <source>Offline</source>
        <translation>未连接</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="335" />
        <source>Connecting…</source>
        <translation>连接中…</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="336" />
        <source>Live</source>
        <translation>直播中</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="337" />
        <source>Reconnecting…</source>
        <translation>重新连接中…</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="338" />
        <source>Ended</source>
        <translation>已结束</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="339" />
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="352" />
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="353" />
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="354" />
        <source>Send to this destination when going live</source>
        <translation>开播时推流到此目的地</translation>
    </message>
</context>
<context>
    <name>Destinations</name>
    <message>
        <location filename="../../console/ui/destinations.py" line="63" />
        <source>Key expired {0} ago ({1})</source>
        <translation>密钥已于 {0} 前过期（{1}）</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="67" />
        <source>Key expires in {0} ({1})</source>
        <translation>密钥将在 {0} 后过期（{1}）</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="70" />
        <source>Key valid until {0}</source>
        <translation>密钥有效期至 {0}</translation>
    </message>
</context>
<context>
    <name>DestinationsPanel</name>
    <message>
        <location filename="../../console/ui/destinations.py" line="406" />
        <source>No destinations yet. Add one with the server URL and stream key from your platform.</source>
        <translation>还没有推流目的地。请用平台提供的服务器地址和推流密钥添加一个。</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="409" />
        <source>Add destination…</source>
        <translation>添加推流目的地…</translation>
    </message>
    <message>
        <location filename="../../console/ui/destinations.py" line="410" />
        <source>Record a local copy</source>
        <translation>同时录制到本机</translation>
    </message>
</context>
<context>
    <name>HealthPanel</name>
    <message>
        <location filename="../../console/ui/health.py" line="92" />
        <source>Uptime</source>
        <translation>运行时长</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="93" />
        <source>Outgoing bitrate</source>
        <translation>上行码率</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="94" />
        <source>Frame rate</source>
        <translation>帧率</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="95" />
        <source>Dropped frames</source>
        <translation>丢帧</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="96" />
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="97" />
        <source>Encoder</source>
        <translation>编码器</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="98" />
        <source>Encode latency</source>
        <translation>编码延迟</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="99" />
        <source>Destinations</source>
        <translation>推流目的地</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="130" />
        <source>(preview, not live)</source>
        <translation>（预览，未开播）</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="133" />
        <source>not sending</source>
        <translation>未推流</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="135" />
        <source>{0:.1f} rendered (target {1}) · preview {2:.0f}</source>
        <translation>渲染 {0:.1f}（目标 {1}）· 预览 {2:.0f}</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="156" />
        <source>{0:.0f} ms render · {1:.0f} ms encode</source>
        <translation>渲染 {0:.0f} 毫秒 · 编码 {1:.0f} 毫秒</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="163" />
        <source>none live</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="174" />
        <source>{0}: connecting</source>
        <translation>{0}：连接中</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="178" />
        <source>{0}: network slow, {1} ms queued</source>
        <translation>{0}：网络缓慢，积压 {1} 毫秒</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="183" />
        <source>rendering {0:.1f} fps of {1}</source>
        <translation>渲染仅 {0:.1f}/{1} 帧每秒</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="194" />
        <source>dropping frames: {0}</source>
        <translation>正在丢帧：{0}</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="199" />
        <source>CPU at {0:.0f} %</source>
        <translation>CPU 占用 {0:.0f}%</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="209" />
        <source>Starting…</source>
        <translation>启动中…</translation>
    </message>
    <message>
        <location filename="../../console/ui/health.py" line="211" />
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
        <location filename="../../console/ui/destinations.py" line="41" />
        <source>en</source>
        <translation>zh_CN</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../console/ui/main_window.py" line="396" />
        <source>Sources</source>
        <translation>信号源</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="397" />
        <source>Audio mixer</source>
        <translation>混音</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="398" />
        <source>Layers</source>
        <translation>图层</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="399" />
        <source>Destinations</source>
        <translation>推流目的地</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="400" />
        <source>Stream health</source>
        <translation>推流状态</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="401" />
        <source>Canvas and encoding</source>
        <translation>画布与编码</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="405" />
        <source>Video</source>
        <translation>视频</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="405" />
        <source>Audio</source>
        <translation>音频</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="408" />
        <source>Orientation</source>
        <translation>方向</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="409" />
        <source>Resolution</source>
        <translation>分辨率</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="410" />
        <source>Frame rate</source>
        <translation>帧率</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="411" />
        <source>Video bitrate</source>
        <translation>视频码率</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="412" />
        <source>Encoder</source>
        <translation>编码器</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="416" />
        <source>Portrait 9:16</source>
        <translation>竖屏 9:16</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="417" />
        <source>Landscape 16:9</source>
        <translation>横屏 16:9</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="418" />
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="420" />
        <source>Restarts the preview with the new canvas; not while live</source>
        <translation>以新画布重启预览；直播中不可修改</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="422" />
        <source>Find cameras</source>
        <translation>查找摄像头</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="423" />
        <source>Add music…</source>
        <translation>添加音乐…</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="424" />
        <source>Master</source>
        <translation>总输出</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="425" />
        <source>Raise</source>
        <translation>上移</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="426" />
        <source>Lower</source>
        <translation>下移</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="427" />
        <source>Edit layout</source>
        <translation>编辑布局</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="429" />
        <source>Drag overlays on the preview to move them; drag a corner to resize</source>
        <translation>在预览上拖动叠加层即可移动；拖动角点可调整大小</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="431" />
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="432" />
        <source>&amp;Console</source>
        <translation>控制台(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="433" />
        <source>&amp;Rehearsal mode (nothing leaves this machine)</source>
        <translation>彩排模式（不向外推流）(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="434" />
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="435" />
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="436" />
        <source>System language</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="437" />
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="438" />
        <source>&amp;Keyboard shortcuts</source>
        <translation>快捷键(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="439" />
        <source>Starting the preview…</source>
        <translation>正在启动预览…</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="440" />
        <location filename="../../console/ui/main_window.py" line="475" />
        <location filename="../../console/ui/main_window.py" line="507" />
        <source>REHEARSAL</source>
        <translation>彩排</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="451" />
        <source>No OS keyring ({0}): stream keys are kept in memory for this session only.</source>
        <translation>没有可用的系统钥匙串（{0}）：推流密钥只在本次运行期间保存在内存中。</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="472" />
        <source>Stop before switching between rehearsal and live.</source>
        <translation>请先停止，再在彩排与正式直播之间切换。</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="484" />
        <source>REHEARSAL · 彩排</source>
        <translation>彩排 · REHEARSAL</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="486" />
        <location filename="../../console/ui/main_window.py" line="509" />
        <source>ON AIR</source>
        <translation>直播中</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="488" />
        <source>OFF AIR</source>
        <translation>未开播</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="494" />
        <location filename="../../console/ui/main_window.py" line="1182" />
        <source>Stop rehearsal</source>
        <translation>结束彩排</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="494" />
        <location filename="../../console/ui/main_window.py" line="1182" />
        <source>Stop stream</source>
        <translation>结束直播</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="496" />
        <location filename="../../console/ui/main_window.py" line="1132" />
        <source>Start rehearsal</source>
        <translation>开始彩排</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="496" />
        <location filename="../../console/ui/main_window.py" line="1132" />
        <source>Go live</source>
        <translation>开播</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="498" />
        <source>Connecting…</source>
        <translation>连接中…</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="512" />
        <source>Live Console</source>
        <translation>直播控制台</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="522" />
        <source>Rehearsal always records a local copy.</source>
        <translation>彩排始终会录制到本机。</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="551" />
        <source>The preview could not start: {0}</source>
        <translation>预览无法启动：{0}</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="591" />
        <source>Searching…</source>
        <translation>查找中…</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="599" />
        <source>No camera found. Connect one and search again, or use a media file.</source>
        <translation>未找到摄像头。请连接后重新查找，或使用媒体文件。</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="609" />
        <source>Test pattern</source>
        <translation>测试图</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="611" />
        <source>Camera {0}</source>
        <translation>摄像头 {0}</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="616" />
        <source>Media file…</source>
        <translation>媒体文件…</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="617" />
        <source>Image…</source>
        <translation>图片…</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="618" />
        <source>Camera or stream URL…</source>
        <translation>摄像头或网络流地址…</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="626" />
        <source>Test tone</source>
        <translation>测试音</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="627" />
        <source>Silence</source>
        <translation>静音信号</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="628" />
        <source>Microphone (system default)</source>
        <translation>麦克风（系统默认）</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="630" />
        <source>Microphone: {0}</source>
        <translation>麦克风：{0}</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="636" />
        <source>Audio file…</source>
        <translation>音频文件…</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="645" />
        <source>Choose a media file</source>
        <translation>选择媒体文件</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="647" />
        <source>Media (*.mp4 *.mov *.mkv *.flv *.webm);;All files (*)</source>
        <translation>媒体 (*.mp4 *.mov *.mkv *.flv *.webm);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="653" />
        <source>Choose an image</source>
        <translation>选择图片</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="655" />
        <source>Images (*.png *.jpg *.jpeg *.webp);;All files (*)</source>
        <translation>图片 (*.png *.jpg *.jpeg *.webp);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="663" />
        <source>Camera or stream</source>
        <translation>摄像头或网络流</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="664" />
        <source>Device index, video file path or stream URL:</source>
        <translation>设备编号、视频文件路径或网络流地址：</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="683" />
        <source>Choose an audio or media file</source>
        <translation>选择音频或媒体文件</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="685" />
        <source>Media (*.mp3 *.m4a *.wav *.aac *.mp4 *.mkv);;All files (*)</source>
        <translation>媒体 (*.mp3 *.m4a *.wav *.aac *.mp4 *.mkv);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="704" />
        <source>Choose background music</source>
        <translation>选择背景音乐</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="706" />
        <source>Audio (*.mp3 *.m4a *.wav *.aac *.flac *.mp4);;All files (*)</source>
        <translation>音频 (*.mp3 *.m4a *.wav *.aac *.flac *.mp4);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="790" />
        <source>Tick to show on the stream</source>
        <translation>勾选后在直播画面中显示</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="851" />
        <source>No safe-zone guide</source>
        <translation>不显示安全区</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="854" />
        <source>Safe zones: {0}</source>
        <translation>安全区：{0}</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="894" />
        <source>Automatic (hardware if it opens)</source>
        <translation>自动（优先可用的硬件编码）</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="898" />
        <source>libx264 (checking hardware…)</source>
        <translation>libx264（正在检测硬件…）</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="910" />
        <source>Stop before changing the canvas.</source>
        <translation>请先停止，再修改画布。</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="960" />
        <source>No OS keyring ({0}): the key is kept in memory until you quit.</source>
        <extracomment>Set by the composition root: (orientation) → default placements for a new orientation.</extracomment>
        <translation>没有可用的系统钥匙串（{0}）：密钥只保存在内存中，退出后丢失。</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="1005" />
        <source>Remove destination</source>
        <translation>删除推流目的地</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="1006" />
        <source>Remove {0} and forget its stream key?</source>
        <translation>删除 {0} 并清除其推流密钥？</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="1053" />
        <source>Nothing to send to: add a destination or turn on the local recording.</source>
        <translation>没有推流目标：请添加推流目的地或开启本机录制。</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="1062" />
        <source>Rehearsal cannot reach {0}: only local recording and an ingest on this machine (127.0.0.1, localhost) are allowed. Switch rehearsal off to go live.</source>
        <translation>彩排模式不能推流到 {0}：只允许本机录制和本机接收端（127.0.0.1、localhost）。正式开播请先关闭彩排模式。</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="1102" />
        <source>{0}: Kuaishou keys work once and for 2 days; a used key is refused.</source>
        <translation>{0}：快手推流密钥只能使用一次，有效期 2 天；用过的密钥会被拒绝。</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="1115" />
        <source>No stream key for {0}: edit the destination and paste the key.</source>
        <translation>{0} 没有推流密钥：请编辑该目的地并粘贴密钥。</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="1123" />
        <source>local recording</source>
        <translation>本机录制</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="1126" />
        <source>Start the rehearsal to:</source>
        <translation>开始彩排，输出到：</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="1126" />
        <source>Go live now to:</source>
        <translation>现在开播，推流到：</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="1167" />
        <source>Local recording</source>
        <translation>本机录制</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="1184" />
        <source>Stop the rehearsal?</source>
        <translation>结束彩排？</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="1186" />
        <source>End the live stream for every destination?</source>
        <translation>结束所有目的地的直播？</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="1206" />
        <source>Recording saved: {0}</source>
        <translation>录像已保存：{0}</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="1240" />
        <source>preview {0:.0f} fps</source>
        <translation>预览 {0:.0f} 帧/秒</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="1283" />
        <source>Settings not saved: {0}</source>
        <translation>设置未保存：{0}</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="1312" />
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../console/ui/main_window.py" line="1312" />
        <source>You are live. End the stream and quit?</source>
        <translation>正在直播。结束直播并退出？</translation>
    </message>
</context>
</TS>