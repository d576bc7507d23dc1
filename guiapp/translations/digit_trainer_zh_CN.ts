<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ArchitectureEditor</name>
    <message>
        <source>+ Conv</source>
        <translation>+ 卷积层</translation>
    </message>
    <message>
        <source>+ Pool</source>
        <translation>+ 池化层</translation>
    </message>
    <message>
        <source>+ Dense</source>
        <translation>+ 全连接层</translation>
    </message>
    <message>
        <source>+ Dropout</source>
        <translation>+ Dropout 层</translation>
    </message>
    <message>
        <source>+ Flatten</source>
        <translation>+ 展平层</translation>
    </message>
    <message>
        <source>Insert before Flatten</source>
        <translation>插入到展平层（Flatten）之前</translation>
    </message>
    <message>
        <source>Insert after the convolutions</source>
        <translation>插入到卷积层之后</translation>
    </message>
    <message>
        <source>Insert before the output layer</source>
        <translation>插入到输出层之前</translation>
    </message>
    <message>
        <source>Reset to seed model</source>
        <translation>恢复为教程模型</translation>
    </message>
    <message>
        <source>The tutorial&apos;s network: 93,322 parameters</source>
        <translation>教程中的网络：93,322 个参数</translation>
    </message>
    <message>
        <source>Show as Keras code</source>
        <translation>显示为 Keras 代码</translation>
    </message>
    <message>
        <source>This network and the training settings as a runnable Python script in the Keras tutorial&apos;s style</source>
        <translation>把这个网络和训练设置写成可运行的 Python 脚本，采用 Keras 教程的写法</translation>
    </message>
    <message>
        <source>Input image: {shape} (height × width × channels)</source>
        <translation>输入图像：{shape}（高 × 宽 × 通道）</translation>
    </message>
    <message>
        <source>Total parameters: – (cannot be built)</source>
        <translation>参数总数：–（无法构建）</translation>
    </message>
    <message>
        <source>Total parameters: {count}</source>
        <translation>参数总数：{count}</translation>
    </message>
</context>
<context>
    <name>ChannelDetail</name>
    <message>
        <source>Close the enlarged view</source>
        <translation>关闭放大视图</translation>
    </message>
    <message>
        <source>Finding the picture this filter responds to most…</source>
        <translation>正在寻找这个滤波器反应最强的图像…</translation>
    </message>
    <message>
        <source>No picture: this filter stayed shut (0) for every input the search tried from a grey start</source>
        <translation>没有图像：从灰色起点出发，搜索尝试过的每个输入都没能让这个滤波器响应（始终为 0）</translation>
    </message>
    <message>
        <source>What this filter responds to most: an input changed step by step to raise this channel</source>
        <translation>这个滤波器反应最强的图像：把输入一步步修改，使这个通道的响应升高</translation>
    </message>
    <message>
        <source>min {low:.3g} · max {high:.3g} · mean {mean:.3g}</source>
        <translation>最小值 {low:.3g} · 最大值 {high:.3g} · 平均值 {mean:.3g}</translation>
    </message>
</context>
<context>
    <name>ClassPicturesView</name>
    <message>
        <source>What the network would most like to see for each digit: each picture was changed step by step to raise that digit&apos;s score (p: how sure the network is that it shows that digit).</source>
        <translation>网络最想看到的每个数字的样子：每张图都被一步步修改，以提高该数字的得分（p：网络认为图中是该数字的把握）。</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Compute the ten pictures again for the network as it is now</source>
        <translation>按网络现在的权重重新计算这十张图</translation>
    </message>
    <message>
        <source>Computing… %p%</source>
        <translation>计算中… %p%</translation>
    </message>
    <message>
        <source>Hide this filter&apos;s picture</source>
        <translation>隐藏这个滤波器的图像</translation>
    </message>
    <message>
        <source>p = {percent}</source>
        <translation>p = {percent}</translation>
    </message>
    <message>
        <source>→ {digit}</source>
        <translation>→ {digit}</translation>
    </message>
    <message>
        <source>The picture the network scores highest for {digit} so far; it reads it as {predicted}, with p({digit}) = {percent}.</source>
        <translation>到目前为止网络给 {digit} 打分最高的图像；网络把它认作 {predicted}，p({digit}) = {percent}。</translation>
    </message>
    <message>
        <source>The picture the network scores highest for {digit}: it reads it as {digit} with p = {percent}.</source>
        <translation>网络给 {digit} 打分最高的图像：网络把它认作 {digit}，p = {percent}。</translation>
    </message>
    <message>
        <source>Not computed yet: press Refresh.</source>
        <translation>尚未计算：请按“刷新”。</translation>
    </message>
    <message>
        <source>activation {score}</source>
        <translation>激活 {score}</translation>
    </message>
    <message>
        <source>The input that makes this filter respond most strongly (its mean activation over the map is {score}).</source>
        <translation>使这个滤波器响应最强的输入（它在整张特征图上的平均激活为 {score}）。</translation>
    </message>
</context>
<context>
    <name>ConvPlayground</name>
    <message>
        <source>Convolution, valid padding</source>
        <translation>卷积，valid 填充</translation>
    </message>
    <message>
        <source>A 3×3 kernel fits a 5×5 input in 3×3 places: the map shrinks.</source>
        <translation>3×3 的卷积核在 5×5 的输入上能放 3×3 个位置：特征图变小了。</translation>
    </message>
    <message>
        <source>Convolution, same padding</source>
        <translation>卷积，same 填充</translation>
    </message>
    <message>
        <source>A border of zeros lets the 3×3 kernel visit every pixel: 5×5 stays 5×5.</source>
        <translation>四周填一圈 0，3×3 的卷积核就能经过每一个像素：5×5 仍是 5×5。</translation>
    </message>
    <message>
        <source>Convolution, stride 2 (same padding)</source>
        <translation>卷积，步长 2（same 填充）</translation>
    </message>
    <message>
        <source>Jumping two pixels a step halves the map, rounding up: 5×5 becomes 3×3 (valid padding would give 2×2).</source>
        <translation>每步跳两个像素，特征图减半并向上取整：5×5 变成 3×3（valid 填充则得到 2×2）。</translation>
    </message>
    <message>
        <source>Max pooling 2×2</source>
        <translation>最大池化 2×2</translation>
    </message>
    <message>
        <source>Each 2×2 block keeps its largest value: 4×4 becomes 2×2.</source>
        <translation>每个 2×2 块保留最大值：4×4 变成 2×2。</translation>
    </message>
    <message>
        <source>Average pooling 2×2</source>
        <translation>平均池化 2×2</translation>
    </message>
    <message>
        <source>Each 2×2 block becomes its mean: 4×4 becomes 2×2.</source>
        <translation>每个 2×2 块取平均值：4×4 变成 2×2。</translation>
    </message>
    <message>
        <source>Sum pooling 2×2</source>
        <translation>求和池化 2×2</translation>
    </message>
    <message>
        <source>Each 2×2 block becomes its sum: 4×4 becomes 2×2.</source>
        <translation>每个 2×2 块取总和：4×4 变成 2×2。</translation>
    </message>
    <message>
        <source>max pool: out = ⌊n/p⌋ = ⌊{n}/{p}⌋ = {out}</source>
        <translation>最大池化：out = ⌊n/p⌋ = ⌊{n}/{p}⌋ = {out}</translation>
    </message>
    <message>
        <source>avg pool: out = ⌊n/p⌋ = ⌊{n}/{p}⌋ = {out}</source>
        <translation>平均池化：out = ⌊n/p⌋ = ⌊{n}/{p}⌋ = {out}</translation>
    </message>
    <message>
        <source>sum pool: out = ⌊n/p⌋ = ⌊{n}/{p}⌋ = {out}</source>
        <translation>求和池化：out = ⌊n/p⌋ = ⌊{n}/{p}⌋ = {out}</translation>
    </message>
    <message>
        <source>valid: out = ⌊(n−k)/s⌋ + 1 = ⌊({n}−{k})/{s}⌋ + 1 = {out}</source>
        <translation>valid 填充：out = ⌊(n−k)/s⌋ + 1 = ⌊({n}−{k})/{s}⌋ + 1 = {out}</translation>
    </message>
    <message>
        <source>same: out = ⌈n/s⌉ = ⌈{n}/{s}⌉ = {out}; zeros added = max((out−1)·s + k − n, 0) = max(({out}−1)·{s} + {k} − {n}, 0) = {total}: {before} top/left, {after} bottom/right</source>
        <translation>same 填充：out = ⌈n/s⌉ = ⌈{n}/{s}⌉ = {out}；补零数 = max((out−1)·s + k − n, 0) = max(({out}−1)·{s} + {k} − {n}, 0) = {total}：上/左 {before} 个，下/右 {after} 个</translation>
    </message>
    <message>
        <source>“{text}” is not a number</source>
        <translation>“{text}”不是数字</translation>
    </message>
    <message>
        <source>“{text}” is out of range: use numbers between −{limit} and {limit}</source>
        <translation>“{text}”超出范围：请使用 −{limit} 到 {limit} 之间的数字</translation>
    </message>
    <message>
        <source>◀ Previous</source>
        <translation>◀ 上一步</translation>
    </message>
    <message>
        <source>Step back one output cell (Left)</source>
        <translation>后退一个输出格（←）</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>下一步 ▶</translation>
    </message>
    <message>
        <source>Step to the next cell (Right, Space)</source>
        <translation>前进到下一个输出格（→、空格）</translation>
    </message>
    <message>
        <source>Step automatically</source>
        <translation>自动逐步演示</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <source>Back to the first output cell</source>
        <translation>回到第一个输出格</translation>
    </message>
    <message>
        <source>Original numbers</source>
        <translation>恢复原始数值</translation>
    </message>
    <message>
        <source>Undo your edits</source>
        <translation>撤销你的修改</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>Output size: {formula}</source>
        <translation>输出尺寸：{formula}</translation>
    </message>
    <message>
        <source>Input {n}×{n} + {padding} zero padding</source>
        <translation>输入 {n}×{n} + {padding} 个补零（填充）</translation>
    </message>
    <message>
        <source>Input {n}×{n}</source>
        <translation>输入 {n}×{n}</translation>
    </message>
    <message>
        <source>Kernel {k}×{k}, stride {stride}</source>
        <translation>卷积核 {k}×{k}，步长 {stride}</translation>
    </message>
    <message>
        <source>Kernel {k}×{k}</source>
        <translation>卷积核 {k}×{k}</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>池化窗口</translation>
    </message>
    <message>
        <source>{p}×{p}
max pool
stride {p}</source>
        <translation>{p}×{p}
最大池化
步长 {p}</translation>
    </message>
    <message>
        <source>{p}×{p}
avg pool
stride {p}</source>
        <translation>{p}×{p}
平均池化
步长 {p}</translation>
    </message>
    <message>
        <source>{p}×{p}
sum pool
stride {p}</source>
        <translation>{p}×{p}
求和池化
步长 {p}</translation>
    </message>
    <message>
        <source>Output {n}×{n}</source>
        <translation>输出 {n}×{n}</translation>
    </message>
    <message>
        <source>Type a number to change this value</source>
        <translation>输入一个数字来修改这个值</translation>
    </message>
    <message>
        <source>Zero padding (&apos;same&apos;): not part of the input</source>
        <translation>补零填充（&apos;same&apos;）：不属于输入</translation>
    </message>
    <message>
        <source>{problem}; input row {row}, column {column} keeps {value}.</source>
        <translation>{problem}；输入第 {row} 行第 {column} 列保持 {value}。</translation>
    </message>
    <message>
        <source>{problem}; kernel row {row}, column {column} keeps {value}.</source>
        <translation>{problem}；卷积核第 {row} 行第 {column} 列保持 {value}。</translation>
    </message>
    <message>
        <source>Step {step} of {steps}: out[{row}, {column}] = {arithmetic}</source>
        <translation>第 {step} 步，共 {steps} 步：out[{row}, {column}] = {arithmetic}</translation>
    </message>
</context>
<context>
    <name>DatasetView</name>
    <message>
        <source>No dataset loaded. Use File › Open dataset… or press Train to load MNIST.</source>
        <translation>尚未载入数据集。请用“文件 › 打开数据集…”，或按“训练”载入 MNIST。</translation>
    </message>
    <message>
        <source>{source}
{train} training and {test} test images. Class counts: {counts}</source>
        <translation>{source}
{train} 张训练图像，{test} 张测试图像。各类数量：{counts}</translation>
    </message>
    <message>
        <source>Training images per class</source>
        <translation>每个类别的训练图像数</translation>
    </message>
</context>
<context>
    <name>DrawCanvas</name>
    <message>
        <source>Drawing area: draw a digit with the left mouse button; right-click clears.</source>
        <translation>画布：按住鼠标左键写一个数字；右键清除。</translation>
    </message>
    <message>
        <source>Draw a digit · right-click, Delete or Backspace clears · Ctrl+Z undoes · drop an image file</source>
        <translation>写一个数字 · 右键、Delete 或 Backspace 清除 · Ctrl+Z 撤销 · 也可拖入图片文件</translation>
    </message>
    <message>
        <source>Draw a digit here
or drop an image file</source>
        <translation>在这里写一个数字
或拖入一张图片</translation>
    </message>
    <message>
        <source>&apos;{url}&apos; is not a local file; save it to disk first, then drop it.</source>
        <translation>“{url}”不是本地文件；请先把它保存到磁盘，再拖进来。</translation>
    </message>
    <message>
        <source>&apos;{path}&apos; is a folder, not an image file.</source>
        <translation>“{path}”是文件夹，不是图片文件。</translation>
    </message>
    <message>
        <source>&apos;{path}&apos; could not be loaded: {error}</source>
        <translation>无法载入“{path}”：{error}</translation>
    </message>
    <message>
        <source>&apos;{path}&apos; shows no ink: the picture looks blank.</source>
        <translation>“{path}”上没有笔迹：图片看起来是空白的。</translation>
    </message>
</context>
<context>
    <name>DrawPanel</name>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Clear the canvas (Delete, Backspace or right-click)</source>
        <translation>清空画布（Delete、Backspace 或右键）</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Remove the last stroke (Ctrl+Z)</source>
        <translation>撤销最后一笔（Ctrl+Z）</translation>
    </message>
    <message>
        <source>Pen width</source>
        <translation>笔宽</translation>
    </message>
    <message>
        <source>Pen width in canvas pixels (MNIST strokes are about 2 of 28 px wide)</source>
        <translation>笔的宽度，以画布像素计（MNIST 的笔画约为 28 px 中的 2 px 宽）</translation>
    </message>
    <message>
        <source>Right-click clears · Ctrl+Z undoes · drop an image file to classify it</source>
        <translation>右键清除 · Ctrl+Z 撤销 · 拖入图片文件即可识别</translation>
    </message>
</context>
<context>
    <name>EmbeddingView</name>
    <message>
        <source>PCA (fast, every epoch)</source>
        <translation>PCA（快，每轮更新）</translation>
    </message>
    <message>
        <source>t-SNE (slow, on demand)</source>
        <translation>t-SNE（慢，按需计算）</translation>
    </message>
    <message>
        <source>PCA keeps the two directions along which the points differ most. t-SNE keeps neighbours together; it takes a while.</source>
        <translation>PCA 保留各点差别最大的两个方向。t-SNE 让相邻的点保持在一起；计算需要一些时间。</translation>
    </message>
    <message>
        <source>Recompute</source>
        <translation>重新计算</translation>
    </message>
    <message>
        <source>Compute the map again for the network as it is now</source>
        <translation>按网络现在的权重重新计算这张图</translation>
    </message>
    <message>
        <source>Computing… %p%</source>
        <translation>计算中… %p%</translation>
    </message>
    <message>
        <source>Each dot is a test image, placed by the numbers the network computes just before its answer: digits it tells apart end up in separate clusters.</source>
        <translation>每个点是一张测试图像，其位置由网络在给出答案之前算出的那组数决定：网络能区分的数字会落在不同的簇里。</translation>
    </message>
    <message>
        <source>Each dot is one of {count} test images, placed by the numbers the network computes just before its answer (layer “{layer}”): digits it tells apart end up in separate clusters.</source>
        <translation>每个点是 {count} 张测试图像之一，其位置由网络在给出答案之前算出的那组数决定（层“{layer}”）：网络能区分的数字会落在不同的簇里。</translation>
    </message>
    <message>
        <source>your drawing</source>
        <translation>你的手写</translation>
    </message>
    <message>
        <source>Colours: the true digit of each test image</source>
        <translation>颜色：每张测试图像的真实数字</translation>
    </message>
    <message>
        <source>These two directions hold {percent} of the spread.</source>
        <translation>这两个方向包含了 {percent} 的差异。</translation>
    </message>
    <message>
        <source>t-SNE keeps neighbours together; distances between clusters mean little.</source>
        <translation>t-SNE 让相邻的点保持在一起；簇与簇之间的距离意义不大。</translation>
    </message>
    <message>
        <source>Click a dot to see its image.</source>
        <translation>点击一个点查看它的图像。</translation>
    </message>
    <message>
        <source>Network: {predicted} ({percent})</source>
        <translation>网络：{predicted}（{percent}）</translation>
    </message>
    <message>
        <source>True digit: {label}</source>
        <translation>真实数字：{label}</translation>
    </message>
    <message>
        <source>test image {index}</source>
        <translation>测试图像 {index}</translation>
    </message>
    <message>
        <source>A {label}</source>
        <translation>一个 {label}</translation>
    </message>
    <message>
        <source>A {label}, read as {predicted}</source>
        <translation>一个 {label}，被认作 {predicted}</translation>
    </message>
</context>
<context>
    <name>Engine</name>
    <message>
        <source>Starting TensorFlow</source>
        <translation>启动 TensorFlow</translation>
    </message>
    <message>
        <source>Opening a model</source>
        <translation>打开模型</translation>
    </message>
    <message>
        <source>Loading the bundled model</source>
        <translation>加载自带模型</translation>
    </message>
    <message>
        <source>Opening a dataset</source>
        <translation>打开数据集</translation>
    </message>
    <message>
        <source>Saving the model</source>
        <translation>保存模型</translation>
    </message>
    <message>
        <source>Exporting the model</source>
        <translation>导出模型</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Evaluating</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>Fine-tuning</source>
        <translation>微调</translation>
    </message>
    <message>
        <source>Reverting the model</source>
        <translation>恢复之前的模型</translation>
    </message>
    <message>
        <source>Classifying the drawing</source>
        <translation>识别手写数字</translation>
    </message>
    <message>
        <source>Computing the saliency map</source>
        <translation>计算显著性图</translation>
    </message>
    <message>
        <source>Computing the Grad-CAM map</source>
        <translation>计算 Grad-CAM 热力图</translation>
    </message>
</context>
<context>
    <name>EvaluationView</name>
    <message>
        <source>Evaluate</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>Evaluate the current model on the 10,000 MNIST test images (Ctrl+E)</source>
        <translation>在 10,000 张 MNIST 测试图像上评估当前模型（Ctrl+E）</translation>
    </message>
    <message>
        <source>After each training run</source>
        <translation>每次训练结束后评估</translation>
    </message>
    <message>
        <source>Evaluate on the whole test set as soon as a training run completes</source>
        <translation>每次训练一结束就在整个测试集上评估</translation>
    </message>
    <message>
        <source>Evaluating… %p%</source>
        <translation>正在评估… %p%</translation>
    </message>
    <message>
        <source>Rows: the true digit (with its accuracy). Columns: what the model said. Click a cell to see its images.</source>
        <translation>行：真实数字（及其准确率）。列：模型的预测。点击格子查看其中的图像。</translation>
    </message>
    <message>
        <source>Click an image to draw it on the canvas and see its prediction and feature maps</source>
        <translation>点击图像，把它画到画布上，查看它的预测和特征图</translation>
    </message>
    <message>
        <source>Rows: the true digit and its accuracy. Columns: what the model said. Blue is right, red wrong (darker, more). Click a cell to see its images.</source>
        <translation>混淆矩阵的行：真实数字及其准确率。列：模型的预测。蓝色是对的，红色是错的（颜色越深，数量越多）。点击格子查看其中的图像。</translation>
    </message>
    <message>
        <source>Not evaluated yet: train a model or press Evaluate.</source>
        <translation>尚未评估：请训练一个模型或按“评估”。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Test accuracy {accuracy} %&lt;/b&gt;&lt;br&gt;loss {loss}&lt;br&gt;{mistakes} mistakes in {images} test images</source>
        <translation>&lt;b&gt;测试准确率 {accuracy} %&lt;/b&gt;&lt;br&gt;损失 {loss}&lt;br&gt;{images} 张测试图像中错了 {mistakes} 张</translation>
    </message>
    <message>
        <source>&lt;i&gt;The model has changed since this evaluation; press Evaluate.&lt;/i&gt;</source>
        <translation>&lt;i&gt;这次评估之后模型已经变了；请按“评估”。&lt;/i&gt;</translation>
    </message>
    <message>
        <source>No mistakes at all.</source>
        <translation>一个错误也没有。</translation>
    </message>
    <message>
        <source>Click a cell of the matrix to see its images.</source>
        <translation>点击混淆矩阵的格子查看其中的图像。</translation>
    </message>
    <message>
        <source>&lt;b&gt;{count}&lt;/b&gt; test images of a {true} read correctly, least confident first</source>
        <translation>&lt;b&gt;{count}&lt;/b&gt; 张数字 {true} 的测试图像被认对，最没把握的排在前面</translation>
    </message>
    <message>
        <source>&lt;b&gt;{count}&lt;/b&gt; test images of a {true} read as {predicted}, most confident first</source>
        <translation>&lt;b&gt;{count}&lt;/b&gt; 张数字 {true} 的测试图像被认成 {predicted}，最有把握的排在前面</translation>
    </message>
    <message>
        <source> (showing {shown})</source>
        <translation>（显示 {shown} 张）</translation>
    </message>
    <message>
        <source>On the canvas: test image #{index}, a {true} (the evaluation read it as {predicted}). The canvas re-centres it, so the live answer may differ a little.</source>
        <translation>画布上：测试图像 #{index}，数字 {true}（评估时被认成 {predicted}）。画布会把它重新居中，所以实时预测可能略有不同。</translation>
    </message>
    <message>
        <source>{count} test images of a {true} read correctly</source>
        <translation>{count} 张数字 {true} 的测试图像被认对</translation>
    </message>
    <message>
        <source>{count} test images of a {true} read as {predicted}</source>
        <translation>{count} 张数字 {true} 的测试图像被认成 {predicted}</translation>
    </message>
    <message>
        <source>Test image #{index}: true {true}, predicted {predicted} with probability {probability}. Click to draw it on the canvas.</source>
        <translation>测试图像 #{index}：真实为 {true}，预测为 {predicted}，概率 {probability}。点击把它画到画布上。</translation>
    </message>
</context>
<context>
    <name>ExportFlow</name>
    <message>
        <source>Export model</source>
        <translation>导出模型</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <source>Export as a SavedModel into the folder</source>
        <translation>以 SavedModel 格式导出到文件夹</translation>
    </message>
    <message>
        <source>Exporting the model</source>
        <translation>导出模型</translation>
    </message>
    <message>
        <source>Export: not now, the engine is busy or has no model.</source>
        <translation>导出：现在不行，引擎正忙或还没有模型。</translation>
    </message>
    <message>
        <source>{path}
{size} KB. On the {images} MNIST test images it gives the Keras model&apos;s answer for {agreement} % of them; its test accuracy is {accuracy} % (Keras: {keras} %).</source>
        <translation>{path}
{size} KB。在 {images} 张 MNIST 测试图像上，它与 Keras 模型的答案一致的比例为 {agreement} %；它的测试准确率为 {accuracy} %（Keras：{keras} %）。</translation>
    </message>
    <message>
        <source>Exported {path}</source>
        <translation>已导出 {path}</translation>
    </message>
    <message>
        <source>Model exported</source>
        <translation>模型已导出</translation>
    </message>
</context>
<context>
    <name>FeatureMapView</name>
    <message>
        <source>Conv2D</source>
        <translation>卷积层 Conv2D</translation>
    </message>
    <message>
        <source>MaxPooling2D</source>
        <translation>最大池化 MaxPooling2D</translation>
    </message>
    <message>
        <source>AveragePooling2D</source>
        <translation>平均池化 AveragePooling2D</translation>
    </message>
    <message>
        <source>SumPooling2D</source>
        <translation>求和池化 SumPooling2D</translation>
    </message>
    <message>
        <source>Dense</source>
        <translation>全连接层 Dense</translation>
    </message>
    <message>
        <source>Draw a digit to see what every layer of the network computes from it.</source>
        <translation>写一个数字，看看网络的每一层从中算出了什么。</translation>
    </message>
    <message>
        <source>{name} · {kind} · {shape}</source>
        <translation>{name} · {kind} · {shape}</translation>
    </message>
    <message>
        <source>Click a map to enlarge it</source>
        <translation>点击一张特征图即可放大</translation>
    </message>
    <message>
        <source>{name} · channel {channel} of {count} · {h}×{w}</source>
        <translation>{name} · 通道 {channel}（共 {count} 个）· {h}×{w}</translation>
    </message>
</context>
<context>
    <name>ImproveController</name>
    <message>
        <source>Opening your samples</source>
        <translation>打开你的样本</translation>
    </message>
    <message>
        <source>Draw a digit first, then press its key (0-9) to store it as a sample.</source>
        <translation>先画一个数字，再按它的数字键（0-9）把它存为样本。</translation>
    </message>
    <message>
        <source>Storing the sample</source>
        <translation>保存样本</translation>
    </message>
    <message>
        <source>Stored as a {digit} (sample {id}, {count} in all). Draw the next one.</source>
        <translation>已存为 {digit}（样本 {id}，共 {count} 个）。请画下一个。</translation>
    </message>
    <message>
        <source>Deleted {count} sample(s).</source>
        <translation>已删除 {count} 个样本。</translation>
    </message>
    <message>
        <source>Relabelled as {label}: {count} sample(s).</source>
        <translation>已把 {count} 个样本的标签改为 {label}。</translation>
    </message>
    <message>
        <source>Changing samples</source>
        <translation>修改样本</translation>
    </message>
    <message>
        <source>Export samples</source>
        <translation>导出样本</translation>
    </message>
    <message>
        <source>NumPy archive (*.npz)</source>
        <translation>NumPy 归档 (*.npz)</translation>
    </message>
    <message>
        <source>Import samples</source>
        <translation>导入样本</translation>
    </message>
    <message>
        <source>Exporting samples</source>
        <translation>导出样本</translation>
    </message>
    <message>
        <source>Exported {count} samples to {path}</source>
        <translation>已导出 {count} 个样本到 {path}</translation>
    </message>
    <message>
        <source>Importing samples</source>
        <translation>导入样本</translation>
    </message>
    <message>
        <source>Imported {count} samples from {path}</source>
        <translation>已从 {path} 导入 {count} 个样本</translation>
    </message>
    <message>
        <source>The engine is busy: fine-tune when it is done.</source>
        <translation>引擎正忙：请等它完成后再微调。</translation>
    </message>
    <message>
        <source>Fine-tuning needs at least {minimum} samples; you have {count}. Draw digits and press their keys (0-9) on the canvas to add some.</source>
        <translation>微调至少需要 {minimum} 个样本；你现在有 {count} 个。在画布上画数字并按对应的数字键（0-9）来添加。</translation>
    </message>
    <message>
        <source>Fine-tuning on {count} samples mixed with MNIST… (Esc stops)</source>
        <translation>正在用 {count} 个样本（混合 MNIST）微调…（按 Esc 停止）</translation>
    </message>
    <message>
        <source>The engine is busy: revert when it is done.</source>
        <translation>引擎正忙：请等它完成后再恢复。</translation>
    </message>
    <message>
        <source>Fine-tuning did not finish; the model is unchanged.</source>
        <translation>微调没有完成；模型没有改变。</translation>
    </message>
    <message>
        <source>Done in {seconds} s ({trained} samples trained on, {held_out} held out). The fine-tuned model is in use: save it to keep it, or revert.</source>
        <translation>用时 {seconds} s 完成（{trained} 个样本用于训练，{held_out} 个留作检验）。现在使用的是微调后的模型：要保留请保存，否则可以恢复。</translation>
    </message>
    <message>
        <source>The engine is busy: evaluate when it is done.</source>
        <translation>引擎正忙：请等它完成后再评估。</translation>
    </message>
</context>
<context>
    <name>InsightController</name>
    <message>
        <source>Filter {channel} of {layer}</source>
        <translation>{layer} 的第 {channel} 个滤波器</translation>
    </message>
    <message>
        <source>t-SNE of epoch {epoch}: press Recompute for the weights now</source>
        <translation>第 {epoch} 轮的 t-SNE：按“重新计算”以使用现在的权重</translation>
    </message>
    <message>
        <source>t-SNE of an earlier model: press Recompute for the weights now</source>
        <translation>较早模型的 t-SNE：按“重新计算”以使用现在的权重</translation>
    </message>
</context>
<context>
    <name>Jobs</name>
    <message>
        <source>starting</source>
        <translation>启动中</translation>
    </message>
    <message>
        <source>training</source>
        <translation>训练中</translation>
    </message>
    <message>
        <source>evaluating</source>
        <translation>评估中</translation>
    </message>
    <message>
        <source>evaluating the run</source>
        <translation>正在评估这次训练</translation>
    </message>
    <message>
        <source>fine-tuning</source>
        <translation>微调中</translation>
    </message>
    <message>
        <source>opening model</source>
        <translation>正在打开模型</translation>
    </message>
    <message>
        <source>saving</source>
        <translation>保存中</translation>
    </message>
    <message>
        <source>opening dataset</source>
        <translation>正在打开数据集</translation>
    </message>
    <message>
        <source>reverting</source>
        <translation>正在恢复模型</translation>
    </message>
    <message>
        <source>exporting</source>
        <translation>导出</translation>
    </message>
</context>
<context>
    <name>KerasCodeDialog</name>
    <message>
        <source>Keras code</source>
        <translation>Keras 代码</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy the whole script to the clipboard</source>
        <translation>把整个脚本复制到剪贴板</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>保存…</translation>
    </message>
    <message>
        <source>Save the script as a Python file</source>
        <translation>把脚本保存为 Python 文件</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Could not save {path}: {error}</source>
        <translation>无法保存 {path}：{error}</translation>
    </message>
    <message>
        <source>Saved to {path}</source>
        <translation>已保存到 {path}</translation>
    </message>
    <message>
        <source>Copied to the clipboard</source>
        <translation>已复制到剪贴板</translation>
    </message>
    <message>
        <source>Save Keras code</source>
        <translation>保存 Keras 代码</translation>
    </message>
    <message>
        <source>Python files (*.py);;All files (*)</source>
        <translation>Python 文件 (*.py);;所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>KernelView</name>
    <message>
        <source>No model loaded: no kernels to show.</source>
        <translation>尚未载入模型：没有可显示的卷积核。</translation>
    </message>
    <message>
        <source>First conv layer&apos;s kernels · {h}×{w} · {count} filters · scale ±{scale} (blue negative, red positive)</source>
        <translation>第一个卷积层的卷积核 · {h}×{w} · 共 {count} 个 · 色标 ±{scale}（蓝色为负，红色为正）</translation>
    </message>
</context>
<context>
    <name>LabelBar</name>
    <message>
        <source>Teach:</source>
        <translation>教它：</translation>
    </message>
    <message>
        <source>Store the drawing as a sample with this label (or press 0-9 on the canvas)</source>
        <translation>把绘图以这个标签存为样本（也可以在画布上按 0-9）</translation>
    </message>
    <message>
        <source>Store this drawing as a {digit} (key {digit} on the canvas)</source>
        <translation>把这个绘图存为 {digit}（画布上按 {digit} 键）</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <source>A Chinese font is needed to show 中文 (Linux: install {package}).</source>
        <translation>需要中文字体才能显示中文（Linux：安装 {package}）。</translation>
    </message>
</context>
<context>
    <name>LanguageMenu</name>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>中文 (needs a Chinese font)</source>
        <translation>中文（需要中文字体）</translation>
    </message>
</context>
<context>
    <name>LayerRow</name>
    <message>
        <source>max</source>
        <translation>最大</translation>
    </message>
    <message>
        <source>avg</source>
        <translation>平均</translation>
    </message>
    <message>
        <source>sum</source>
        <translation>求和</translation>
    </message>
    <message>
        <source>{units} units · {activation} · locked: one unit per digit</source>
        <translation>{units} 个单元 · {activation} · 已锁定：每个数字一个单元</translation>
    </message>
    <message>
        <source>Move this layer up</source>
        <translation>上移这一层</translation>
    </message>
    <message>
        <source>Move this layer down</source>
        <translation>下移这一层</translation>
    </message>
    <message>
        <source>Remove this layer</source>
        <translation>删除这一层</translation>
    </message>
    <message>
        <source> filters</source>
        <translation> 个卷积核</translation>
    </message>
    <message>
        <source>Number of filters (output channels)</source>
        <translation>卷积核个数（输出通道数）</translation>
    </message>
    <message>
        <source>Kernel size</source>
        <translation>卷积核大小</translation>
    </message>
    <message>
        <source>Padding</source>
        <translation>填充</translation>
    </message>
    <message>
        <source>Activation</source>
        <translation>激活函数</translation>
    </message>
    <message>
        <source>Pool size</source>
        <translation>池化窗口大小</translation>
    </message>
    <message>
        <source> units</source>
        <translation> 个单元</translation>
    </message>
    <message>
        <source>Number of units</source>
        <translation>单元个数</translation>
    </message>
    <message>
        <source>rate </source>
        <translation>比例 </translation>
    </message>
    <message>
        <source>Fraction of values dropped while training</source>
        <translation>训练时随机丢弃的值所占比例</translation>
    </message>
    <message>
        <source>Stride</source>
        <translation>步长</translation>
    </message>
    <message>
        <source>stride {n}</source>
        <translation>步长 {n}</translation>
    </message>
    <message>
        <source>Pooling kind</source>
        <translation>池化方式</translation>
    </message>
    <message>
        <source>Dense layers need this Flatten: it cannot be removed</source>
        <translation>全连接层需要这个展平层：不能删除</translation>
    </message>
    <message>
        <source>cannot be built</source>
        <translation>无法构建</translation>
    </message>
    <message>
        <source>→ {shape} · {params} params</source>
        <translation>→ {shape} · {params} 个参数</translation>
    </message>
    <message>
        <source>params: {formula}</source>
        <translation>参数：{formula}</translation>
    </message>
    <message>
        <source>same: padding (k−1)/2 = ({k}−1)/2; out = ⌈n/s⌉ = ⌈{n}/{s}⌉ = {out}</source>
        <translation>same 填充：补零 (k−1)/2 = ({k}−1)/2；out = ⌈n/s⌉ = ⌈{n}/{s}⌉ = {out}</translation>
    </message>
    <message>
        <source>valid: out = ⌊(n−k)/s⌋ + 1 = ⌊({n}−{k})/{s}⌋ + 1 = {out}</source>
        <translation>valid 填充：out = ⌊(n−k)/s⌋ + 1 = ⌊({n}−{k})/{s}⌋ + 1 = {out}</translation>
    </message>
    <message>
        <source>k·k·c_in·filters + filters = {k}·{k}·{cin}·{filters} + {filters} = {params}</source>
        <translation>k·k·c_in·卷积核数 + 卷积核数 = {k}·{k}·{cin}·{filters} + {filters} = {params}</translation>
    </message>
    <message>
        <source>max pool: out = ⌊n/p⌋ = ⌊{n}/{p}⌋ = {out}</source>
        <translation>最大池化：out = ⌊n/p⌋ = ⌊{n}/{p}⌋ = {out}</translation>
    </message>
    <message>
        <source>avg pool: out = ⌊n/p⌋ = ⌊{n}/{p}⌋ = {out}</source>
        <translation>平均池化：out = ⌊n/p⌋ = ⌊{n}/{p}⌋ = {out}</translation>
    </message>
    <message>
        <source>sum pool: out = ⌊n/p⌋ = ⌊{n}/{p}⌋ = {out}</source>
        <translation>求和池化：out = ⌊n/p⌋ = ⌊{n}/{p}⌋ = {out}</translation>
    </message>
    <message>
        <source>units = {units}</source>
        <translation>单元数 = {units}</translation>
    </message>
    <message>
        <source>in·units + units = {n}·{units} + {units} = {params}</source>
        <translation>输入数·单元数 + 单元数 = {n}·{units} + {units} = {params}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Digit Trainer</source>
        <translation>Digit Trainer 手写数字训练器</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>{what}: not now, the engine is busy ({job}) (Esc stops it).</source>
        <translation>{what}：现在不行，引擎正忙（{job}）（按 Esc 停止）。</translation>
    </message>
    <message>
        <source>{what}: not now, the engine is busy ({job}).</source>
        <translation>{what}：现在不行，引擎正忙（{job}）。</translation>
    </message>
    <message>
        <source>Cannot train this network: {reason}</source>
        <translation>无法训练这个网络：{reason}</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <source>No model to classify with yet: train one, or open a model file (File › Open model…).</source>
        <translation>还没有可用于识别的模型：请训练一个，或打开模型文件（文件 › 打开模型…）。</translation>
    </message>
    <message>
        <source>Loading an image</source>
        <translation>载入图片</translation>
    </message>
    <message>
        <source>Open model</source>
        <translation>打开模型</translation>
    </message>
    <message>
        <source>Save model</source>
        <translation>保存模型</translation>
    </message>
    <message>
        <source>Open dataset</source>
        <translation>打开数据集</translation>
    </message>
    <message>
        <source>Evaluate</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>Training stopped</source>
        <translation>训练已停止</translation>
    </message>
    <message>
        <source>The model&apos;s architecture could not be shown in the editor: {error}</source>
        <translation>无法在编辑器中显示模型的结构：{error}</translation>
    </message>
    <message>
        <source>Evaluating… %p%</source>
        <translation>正在评估… %p%</translation>
    </message>
    <message>
        <source>Test accuracy {accuracy} % ({mistakes} mistakes)</source>
        <translation>测试准确率 {accuracy} %（错了 {mistakes} 个）</translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation>已保存 {path}</translation>
    </message>
    <message>
        <source>Unsaved model</source>
        <translation>模型未保存</translation>
    </message>
    <message>
        <source>The model in use was trained here and has not been saved. Open another model and discard it?</source>
        <translation>当前使用的模型是在这里训练的，还没有保存。要打开另一个模型并丢弃它吗？</translation>
    </message>
    <message>
        <source>Open MNIST dataset</source>
        <translation>打开 MNIST 数据集</translation>
    </message>
    <message>
        <source>MNIST (*.npz);;All files (*)</source>
        <translation>MNIST (*.npz);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Keras model (*.keras)</source>
        <translation>Keras 模型 (*.keras)</translation>
    </message>
    <message>
        <source>About Digit Trainer</source>
        <translation>关于 Digit Trainer</translation>
    </message>
    <message>
        <source>Digit Trainer trains the classic Keras MNIST CNN and shows everything that happens inside it.</source>
        <translation>Digit Trainer 训练经典的 Keras MNIST 卷积神经网络，并展示其中发生的一切。</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Draw</source>
        <translation>手写</translation>
    </message>
    <message>
        <source>Feature maps</source>
        <translation>特征图</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>网络结构</translation>
    </message>
    <message>
        <source>Learn: convolution</source>
        <translation>学习：卷积</translation>
    </message>
    <message>
        <source>Evaluation</source>
        <translation>评估</translation>
    </message>
    <message>
        <source>Teach</source>
        <translation>教它</translation>
    </message>
    <message>
        <source>Class pictures</source>
        <translation>类别图像</translation>
    </message>
    <message>
        <source>Inner space</source>
        <translation>内部空间</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Train</source>
        <translation>训练(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Open &amp;dataset…</source>
        <translation>打开数据集(&amp;D)…</translation>
    </message>
    <message>
        <source>&amp;Open model…</source>
        <translation>打开模型(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Save model…</source>
        <translation>保存模型(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Export model…</source>
        <translation>导出模型(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Pause / Resume</source>
        <translation>暂停 / 继续(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Stop</source>
        <translation>停止(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Evaluate on the test set</source>
        <translation>在测试集上评估(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Presentation</source>
        <translation>演示模式(&amp;P)</translation>
    </message>
    <message>
        <source>Zoom &amp;in</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom &amp;out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Actual size</source>
        <translation>实际大小(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Reset layout</source>
        <translation>重置布局(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;About Digit Trainer</source>
        <translation>关于 Digit Trainer(&amp;A)</translation>
    </message>
    <message>
        <source>Large type and a large canvas for a classroom projector (F5)</source>
        <translation>大号字体和大画布，适合教室投影仪（F5）</translation>
    </message>
    <message>
        <source>First conv layer&apos;s kernels</source>
        <translation>第一个卷积层的卷积核</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <source>; </source>
        <translation>；</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Provide MNIST in one of these ways: pass --data PATH (or use File &gt; Open dataset...), set {env} to a Keras-layout mnist.npz or a folder of the four IDX files, or place mnist.npz in {cache}.</source>
        <translation>请用以下任一方式提供 MNIST：传入 --data PATH（或使用 文件 &gt; 打开数据集...），把 {env} 设为 Keras 格式的 mnist.npz 或包含四个 IDX 文件的文件夹，或把 mnist.npz 放到 {cache}。</translation>
    </message>
    <message>
        <source>MNIST was not found and downloading is off. {how}</source>
        <translation>找不到 MNIST，且下载已关闭。{how}</translation>
    </message>
    <message>
        <source>MNIST could not be downloaded ({error}). {how}</source>
        <translation>无法下载 MNIST（{error}）。{how}</translation>
    </message>
    <message>
        <source>Dataset &apos;{path}&apos; does not exist. {how}</source>
        <translation>数据集“{path}”不存在。{how}</translation>
    </message>
    <message>
        <source>Dataset &apos;{path}&apos; cannot be read: permission denied.</source>
        <translation>无法读取数据集“{path}”：权限不足。</translation>
    </message>
    <message>
        <source>Dataset &apos;{path}&apos; cannot be read: {error}.</source>
        <translation>无法读取数据集“{path}”：{error}。</translation>
    </message>
    <message>
        <source>Dataset &apos;{path}&apos; is empty (0 bytes).</source>
        <translation>数据集“{path}”是空文件（0 字节）。</translation>
    </message>
    <message>
        <source>Dataset &apos;{path}&apos; is a single .npy array, not a Keras-layout .npz holding {keys}.</source>
        <translation>数据集“{path}”是单个 .npy 数组，而不是包含 {keys} 的 Keras 格式 .npz 文件。</translation>
    </message>
    <message>
        <source>Dataset &apos;{path}&apos; is not a readable .npz file (not a zip archive: corrupt or another format).</source>
        <translation>数据集“{path}”不是可读取的 .npz 文件（不是 zip 压缩包：已损坏或是其他格式）。</translation>
    </message>
    <message>
        <source>Dataset &apos;{path}&apos; lacks the key(s) {missing}; a Keras-layout MNIST file holds {keys} (it has: {found}).</source>
        <translation>数据集“{path}”缺少键 {missing}；Keras 格式的 MNIST 文件包含 {keys}（它包含：{found}）。</translation>
    </message>
    <message>
        <source>Dataset &apos;{path}&apos; is not a readable .npz file (truncated or corrupt): {error}</source>
        <translation>数据集“{path}”不是可读取的 .npz 文件（被截断或已损坏）：{error}</translation>
    </message>
    <message>
        <source>Folder &apos;{folder}&apos; has no {stem} (or {stem}.gz). An IDX folder needs all four MNIST files: {files}.</source>
        <translation>文件夹“{folder}”中没有 {stem}（或 {stem}.gz）。IDX 文件夹需要全部四个 MNIST 文件：{files}。</translation>
    </message>
    <message>
        <source>IDX file &apos;{path}&apos; cannot be read: permission denied.</source>
        <translation>无法读取 IDX 文件“{path}”：权限不足。</translation>
    </message>
    <message>
        <source>IDX file &apos;{path}&apos; cannot be read (truncated or corrupt?): {error}</source>
        <translation>无法读取 IDX 文件“{path}”（被截断或已损坏？）：{error}</translation>
    </message>
    <message>
        <source>IDX file &apos;{path}&apos; is too short ({size} bytes) to hold a header.</source>
        <translation>IDX 文件“{path}”太短（{size} 字节），放不下文件头。</translation>
    </message>
    <message>
        <source>IDX file &apos;{path}&apos; has the wrong magic number 0x{magic} (expected 0x00000801 for labels or 0x00000803 for images).</source>
        <translation>IDX 文件“{path}”的魔数 0x{magic} 不对（标签应为 0x00000801，图像应为 0x00000803）。</translation>
    </message>
    <message>
        <source>IDX file &apos;{path}&apos; is truncated inside its header.</source>
        <translation>IDX 文件“{path}”在文件头处被截断。</translation>
    </message>
    <message>
        <source>IDX file &apos;{path}&apos; should hold {expected} bytes of data for shape {shape} but holds {actual}.</source>
        <translation>IDX 文件“{path}”按形状 {shape} 应有 {expected} 字节数据，实际有 {actual} 字节。</translation>
    </message>
    <message>
        <source>Dataset &apos;{source}&apos;: x_{part} has shape {shape}; expected (n, 28, 28) images.</source>
        <translation>数据集“{source}”：x_{part} 的形状是 {shape}；应为 (n, 28, 28) 的图像。</translation>
    </message>
    <message>
        <source>Dataset &apos;{source}&apos;: y_{part} has shape {shape}; expected a 1-D array of labels.</source>
        <translation>数据集“{source}”：y_{part} 的形状是 {shape}；应为一维的标签数组。</translation>
    </message>
    <message>
        <source>Dataset &apos;{source}&apos;: x_{part} has {images} images but y_{part} has {labels} labels.</source>
        <translation>数据集“{source}”：x_{part} 有 {images} 张图像，但 y_{part} 有 {labels} 个标签。</translation>
    </message>
    <message>
        <source>Dataset &apos;{source}&apos;: x_{part} holds no images.</source>
        <translation>数据集“{source}”：x_{part} 中没有图像。</translation>
    </message>
    <message>
        <source>Dataset &apos;{source}&apos;: x_{part} has dtype {dtype}; expected uint8 pixels.</source>
        <translation>数据集“{source}”：x_{part} 的数据类型是 {dtype}；应为 uint8 像素。</translation>
    </message>
    <message>
        <source>Dataset &apos;{source}&apos;: x_{part} contains {count} NaN or infinite pixel value(s).</source>
        <translation>数据集“{source}”：x_{part} 含有 {count} 个 NaN 或无穷大的像素值。</translation>
    </message>
    <message>
        <source>Dataset &apos;{source}&apos;: x_{part} has pixel values outside 0-255.</source>
        <translation>数据集“{source}”：x_{part} 有超出 0-255 的像素值。</translation>
    </message>
    <message>
        <source>Dataset &apos;{source}&apos;: y_{part} has dtype {dtype}; expected integer labels 0-9.</source>
        <translation>数据集“{source}”：y_{part} 的数据类型是 {dtype}；应为 0-9 的整数标签。</translation>
    </message>
    <message>
        <source>Dataset &apos;{source}&apos;: y_{part} has labels outside 0-9 (for example {example!r}; {count} in all).</source>
        <translation>数据集“{source}”：y_{part} 有超出 0-9 的标签（例如 {example!r}；共 {count} 个）。</translation>
    </message>
    <message>
        <source>Validation split {value!r} must be at least 0 and below 1.</source>
        <translation>验证集比例 {value!r} 必须不小于 0 且小于 1。</translation>
    </message>
    <message>
        <source>The training limit {value!r} must be at least 1 image.</source>
        <translation>训练图像数上限 {value!r} 至少为 1。</translation>
    </message>
    <message>
        <source>The test limit {value!r} must not be negative.</source>
        <translation>测试图像数上限 {value!r} 不能为负数。</translation>
    </message>
    <message>
        <source>Validation split {value} leaves no training images out of {count}.</source>
        <translation>验证集比例 {value} 使 {count} 张图像中没有剩下任何训练图像。</translation>
    </message>
    <message>
        <source>Dataset &apos;{path}&apos; could not be loaded: {error}</source>
        <translation>无法加载数据集“{path}”：{error}</translation>
    </message>
    <message>
        <source>Pen-digit file &apos;{path}&apos; cannot be read: {error}</source>
        <translation>无法读取笔迹数字文件“{path}”：{error}</translation>
    </message>
    <message>
        <source>Pen-digit file &apos;{path}&apos; holds no &apos;.SEGMENT DIGIT&apos; entries.</source>
        <translation>笔迹数字文件“{path}”中没有“.SEGMENT DIGIT”条目。</translation>
    </message>
    <message>
        <source>Layer {index} ({kind})</source>
        <translation>第 {index} 层（{kind}）</translation>
    </message>
    <message>
        <source>Layer spec {spec!r} is not a mapping with a &apos;kind&apos;.</source>
        <translation>层描述 {spec!r} 不是带有 &apos;kind&apos; 的映射。</translation>
    </message>
    <message>
        <source>Layer spec {spec!r} has unknown field(s): {fields}.</source>
        <translation>层描述 {spec!r} 含有未知字段：{fields}。</translation>
    </message>
    <message>
        <source>{where}: {attr} must be a whole number, not {value!r}.</source>
        <translation>{where}：{attr} 必须是整数，而不是 {value!r}。</translation>
    </message>
    <message>
        <source>{where}: {attr} must be at least {minimum}, not {value!r}.</source>
        <translation>{where}：{attr} 至少为 {minimum}，而不是 {value!r}。</translation>
    </message>
    <message>
        <source>The network has no layers.</source>
        <translation>网络中没有任何层。</translation>
    </message>
    <message>
        <source>Layer {index}: unknown kind {kind!r}; use one of {kinds}.</source>
        <translation>第 {index} 层：未知的层类型 {kind!r}；请使用 {kinds} 之一。</translation>
    </message>
    <message>
        <source>{where} needs a 2-D feature map but gets shape {shape}; move it before Flatten.</source>
        <translation>{where} 需要二维特征图，但得到的形状是 {shape}；请把它移到 Flatten 之前。</translation>
    </message>
    <message>
        <source>{where}: padding {padding!r} is not one of {choices}.</source>
        <translation>{where}：填充 {padding!r} 不是 {choices} 之一。</translation>
    </message>
    <message>
        <source>{where}: activation {activation!r} is not one of {choices}.</source>
        <translation>{where}：激活函数 {activation!r} 不是 {choices} 之一。</translation>
    </message>
    <message>
        <source>{where}: a {k}×{k} kernel does not fit a {n}×{n} input (output {out}×{out}).</source>
        <translation>{where}：{k}×{k} 的卷积核放不进 {n}×{n} 的输入（输出 {out}×{out}）。</translation>
    </message>
    <message>
        <source>{where}: pooling {pool!r} is not one of {choices}.</source>
        <translation>{where}：池化方式 {pool!r} 不是 {choices} 之一。</translation>
    </message>
    <message>
        <source>{where}: a {p}×{p} pool does not fit a {n}×{n} input (output {out}×{out}).</source>
        <translation>{where}：{p}×{p} 的池化窗口放不进 {n}×{n} 的输入（输出 {out}×{out}）。</translation>
    </message>
    <message>
        <source>{where} needs a flat input but gets shape {shape}; add a Flatten layer before it.</source>
        <translation>{where} 需要展平的输入，但得到的形状是 {shape}；请在它前面加一个 Flatten 层。</translation>
    </message>
    <message>
        <source>{where}: rate must be at least 0 and below 1, not {rate}.</source>
        <translation>{where}：丢弃率必须不小于 0 且小于 1，而不是 {rate}。</translation>
    </message>
    <message>
        <source>Layer {index}: the last layer must be Dense({classes}, softmax), one unit a digit.</source>
        <translation>第 {index} 层：最后一层必须是 Dense({classes}, softmax)，每个数字一个单元。</translation>
    </message>
    <message>
        <source>An architecture spec is a list of layers, not {type}.</source>
        <translation>网络结构描述应是由层组成的列表，而不是 {type}。</translation>
    </message>
    <message>
        <source>no weights</source>
        <translation>无权重</translation>
    </message>
    <message>
        <source>unchanged; drops {rate:.0%} of values while training</source>
        <translation>形状不变；训练时丢弃 {rate:.0%} 的值</translation>
    </message>
    <message>
        <source>&apos;{path}&apos; is a folder, not an image.</source>
        <translation>“{path}”是文件夹，不是图像。</translation>
    </message>
    <message>
        <source>Image &apos;{path}&apos; does not exist.</source>
        <translation>图像“{path}”不存在。</translation>
    </message>
    <message>
        <source>Image &apos;{path}&apos; is empty (0 bytes).</source>
        <translation>图像“{path}”是空文件（0 字节）。</translation>
    </message>
    <message>
        <source>Image &apos;{path}&apos; is {width}×{height} pixels, too large for a digit (limit 40 MP).</source>
        <translation>图像“{path}”有 {width}×{height} 像素，对一个数字来说太大了（上限 40 MP）。</translation>
    </message>
    <message>
        <source>Image &apos;{path}&apos; is too large for a digit ({megapixels} MP); the limit is 40 MP.</source>
        <translation>图像“{path}”对一个数字来说太大了（{megapixels} MP）；上限是 40 MP。</translation>
    </message>
    <message>
        <source>Image &apos;{path}&apos; is too large for a digit; the limit is 40 MP.</source>
        <translation>图像“{path}”对一个数字来说太大了；上限是 40 MP。</translation>
    </message>
    <message>
        <source>&apos;{path}&apos; is not an image that can be read ({error}).</source>
        <translation>“{path}”不是可读取的图像（{error}）。</translation>
    </message>
    <message>
        <source>Image &apos;{path}&apos; cannot be read: {error}</source>
        <translation>无法读取图像“{path}”：{error}</translation>
    </message>
    <message>
        <source>The run history &apos;{path}&apos; cannot be opened: {error}</source>
        <translation>无法打开训练记录数据库“{path}”：{error}</translation>
    </message>
    <message>
        <source>The run history &apos;{path}&apos; could not be written: {error}</source>
        <translation>无法写入训练记录数据库“{path}”：{error}</translation>
    </message>
    <message>
        <source>Cannot export the run history to &apos;{path}&apos;: {error}</source>
        <translation>无法将训练记录导出到“{path}”：{error}</translation>
    </message>
    <message>
        <source>The sample database &apos;{path}&apos; cannot be opened: {error}</source>
        <translation>无法打开样本数据库“{path}”：{error}</translation>
    </message>
    <message>
        <source>The sample database &apos;{path}&apos; could not be written: {error}</source>
        <translation>无法写入样本数据库“{path}”：{error}</translation>
    </message>
    <message>
        <source>Cannot export samples to &apos;{path}&apos;: {error}</source>
        <translation>无法把样本导出到“{path}”：{error}</translation>
    </message>
    <message>
        <source>Samples file &apos;{path}&apos; does not exist.</source>
        <translation>样本文件“{path}”不存在。</translation>
    </message>
    <message>
        <source>&apos;{path}&apos; is not a .npz file (not a zip archive; truncated or corrupt?).</source>
        <translation>“{path}”不是 .npz 文件（不是 zip 压缩包；被截断或已损坏？）。</translation>
    </message>
    <message>
        <source>Samples file &apos;{path}&apos; lacks {missing} (it holds {found}); export one from Digit Trainer or save arrays &apos;images&apos; (n, 28, 28) and &apos;labels&apos; (n,).</source>
        <translation>样本文件“{path}”缺少 {missing}（它包含 {found}）；请从 Digit Trainer 导出，或保存数组 &apos;images&apos; (n, 28, 28) 和 &apos;labels&apos; (n,)。</translation>
    </message>
    <message>
        <source>Samples file &apos;{path}&apos; cannot be read: {error}</source>
        <translation>无法读取样本文件“{path}”：{error}</translation>
    </message>
    <message>
        <source>Samples file &apos;{path}&apos;: images have shape {shape}; expected (n, 28, 28).</source>
        <translation>样本文件“{path}”：图像的形状是 {shape}；应为 (n, 28, 28)。</translation>
    </message>
    <message>
        <source>Samples file &apos;{path}&apos;: {images} images but labels of shape {shape}; expected ({images},).</source>
        <translation>样本文件“{path}”：有 {images} 张图像，但标签的形状是 {shape}；应为 ({images},)。</translation>
    </message>
    <message>
        <source>Samples file &apos;{path}&apos;: strokes or created do not match the {count} labels.</source>
        <translation>样本文件“{path}”：strokes 或 created 与 {count} 个标签对不上。</translation>
    </message>
    <message>
        <source>Samples file &apos;{path}&apos;: labels must be whole numbers 0-9.</source>
        <translation>样本文件“{path}”：标签必须是 0-9 的整数。</translation>
    </message>
    <message>
        <source>Samples file &apos;{path}&apos;: images hold {dtype}, not numbers.</source>
        <translation>样本文件“{path}”：图像保存的是 {dtype}，不是数字。</translation>
    </message>
    <message>
        <source>Samples file &apos;{path}&apos;: image values must be finite and within 0-1 (or uint8).</source>
        <translation>样本文件“{path}”：图像的值必须是有限数且在 0-1 之间（或为 uint8）。</translation>
    </message>
    <message>
        <source>Cannot save &apos;{path}&apos;: {error} (is the folder writable?).</source>
        <translation>无法保存“{path}”：{error}（文件夹可写吗？）。</translation>
    </message>
    <message>
        <source>Cannot save &apos;{path}&apos;: {error}. The previous file, if any, is unchanged.</source>
        <translation>无法保存“{path}”：{error}。原有的文件（如果有）保持不变。</translation>
    </message>
    <message>
        <source>Model file &apos;{path}&apos; must end in .keras.</source>
        <translation>模型文件“{path}”的扩展名必须是 .keras。</translation>
    </message>
    <message>
        <source>Cannot save &apos;{path}&apos;: it is a folder.</source>
        <translation>无法保存“{path}”：它是一个文件夹。</translation>
    </message>
    <message>
        <source>Cannot save &apos;{path}&apos;: the folder &apos;{folder}&apos; does not exist.</source>
        <translation>无法保存“{path}”：文件夹“{folder}”不存在。</translation>
    </message>
    <message>
        <source>Model file &apos;{path}&apos; is corrupt or truncated ({error}).</source>
        <translation>模型文件“{path}”已损坏或被截断（{error}）。</translation>
    </message>
    <message>
        <source>Model file &apos;{path}&apos; has corrupt metadata ({name} is not a JSON object).</source>
        <translation>模型文件“{path}”的元数据已损坏（{name} 不是 JSON 对象）。</translation>
    </message>
    <message>
        <source>Model file &apos;{path}&apos; does not exist.</source>
        <translation>模型文件“{path}”不存在。</translation>
    </message>
    <message>
        <source>&apos;{path}&apos; is a folder, not a .keras model file.</source>
        <translation>“{path}”是文件夹，不是 .keras 模型文件。</translation>
    </message>
    <message>
        <source>Model file &apos;{path}&apos; cannot be read: permission denied.</source>
        <translation>无法读取模型文件“{path}”：权限不足。</translation>
    </message>
    <message>
        <source>Model file &apos;{path}&apos; is empty (0 bytes).</source>
        <translation>模型文件“{path}”是空文件（0 字节）。</translation>
    </message>
    <message>
        <source>Model file &apos;{path}&apos; is not a .keras file (not a zip archive; truncated or corrupt?).</source>
        <translation>模型文件“{path}”不是 .keras 文件（不是 zip 压缩包；被截断或已损坏？）。</translation>
    </message>
    <message>
        <source>Model file &apos;{path}&apos; is corrupt: the entry {entry} fails its checksum.</source>
        <translation>模型文件“{path}”已损坏：条目 {entry} 校验失败。</translation>
    </message>
    <message>
        <source>Model file &apos;{path}&apos; cannot be loaded: {error}</source>
        <translation>无法加载模型文件“{path}”：{error}</translation>
    </message>
    <message>
        <source>Model file &apos;{path}&apos; could not be loaded: {error}</source>
        <translation>未能加载模型文件“{path}”：{error}</translation>
    </message>
    <message>
        <source>Model file &apos;{path}&apos; takes inputs of shape {shape}; Digit Trainer needs (28, 28, 1).</source>
        <translation>模型文件“{path}”的输入形状是 {shape}；Digit Trainer 需要 (28, 28, 1)。</translation>
    </message>
    <message>
        <source>Model file &apos;{path}&apos; gives outputs of shape {shape}; Digit Trainer needs 10 classes.</source>
        <translation>模型文件“{path}”的输出形状是 {shape}；Digit Trainer 需要 10 个类别。</translation>
    </message>
    <message>
        <source>The bundled model is missing from this install.</source>
        <translation>此安装中缺少自带的模型。</translation>
    </message>
    <message>
        <source>There is no model to save yet.</source>
        <translation>还没有可保存的模型。</translation>
    </message>
    <message>
        <source>There is no model to classify with yet.</source>
        <translation>还没有可用来识别的模型。</translation>
    </message>
    <message>
        <source>There is no model to evaluate yet.</source>
        <translation>还没有可评估的模型。</translation>
    </message>
    <message>
        <source>There is no model to fine-tune yet.</source>
        <translation>还没有可微调的模型。</translation>
    </message>
    <message>
        <source>Invalid training settings: {problems}.</source>
        <translation>训练设置无效：{problems}。</translation>
    </message>
    <message>
        <source>optimizer {value!r} is not one of {choices}</source>
        <translation>优化器 {value!r} 不是 {choices} 之一</translation>
    </message>
    <message>
        <source>epochs {value} must be between 1 and 1000</source>
        <translation>训练轮数 {value} 必须在 1 到 1000 之间</translation>
    </message>
    <message>
        <source>batch size {value} must be between 1 and 1,000,000</source>
        <translation>批大小 {value} 必须在 1 到 1,000,000 之间</translation>
    </message>
    <message>
        <source>learning rate {value} must be positive</source>
        <translation>学习率 {value} 必须为正数</translation>
    </message>
    <message>
        <source>steps per execution {value} must be between 1 and 1000</source>
        <translation>每次执行的步数 {value} 必须在 1 到 1000 之间</translation>
    </message>
    <message>
        <source>validation split {value} must be at least 0 and below 1</source>
        <translation>验证集比例 {value} 必须不小于 0 且小于 1</translation>
    </message>
    <message>
        <source>Unknown recipe {name!r}; choose &apos;seed&apos; or &apos;robust&apos;.</source>
        <translation>未知的配方 {name!r}；请选择 &apos;seed&apos; 或 &apos;robust&apos;。</translation>
    </message>
    <message>
        <source>Pen-digit writers {writers} are held out for testing and never trained on.</source>
        <translation>笔迹数字书写者 {writers} 留作测试，从不参与训练。</translation>
    </message>
    <message>
        <source>Out of memory with batch size {batch_size}: {what} does not fit in this computer&apos;s memory. Try a smaller batch size, or fewer filters or units.</source>
        <translation>批大小为 {batch_size} 时内存不足：{what}放不进这台计算机的内存。请减小批大小，或减少卷积核数量或单元数。</translation>
    </message>
    <message>
        <source>a tensor of shape ({shape})</source>
        <translation>形状为 ({shape}) 的张量</translation>
    </message>
    <message>
        <source>the network</source>
        <translation>网络</translation>
    </message>
    <message>
        <source>The loss became {loss} at epoch {epoch}, batch {batch}: the learning rate ({lr:g}) is probably too high. Training stopped and the last good weights were kept.</source>
        <translation>第 {epoch} 轮第 {batch} 批时损失变成了 {loss}：学习率（{lr:g}）可能太高。训练已停止，并保留了最后一组正常的权重。</translation>
    </message>
    <message>
        <source>Stopped by the user.</source>
        <translation>已被用户停止。</translation>
    </message>
    <message>
        <source>Stopped by the user before training began.</source>
        <translation>训练开始前已被用户停止。</translation>
    </message>
    <message>
        <source>Fine-tuning needs at least {minimum} labelled samples (you have {count}); a few of each digit you want the model to learn is best.</source>
        <translation>微调至少需要 {minimum} 个带标签的样本（你现在有 {count} 个）；最好为每个想让模型学会的数字各画几个。</translation>
    </message>
    <message>
        <source>Fine-tuning failed: {reason}</source>
        <translation>微调失败：{reason}</translation>
    </message>
    <message>
        <source>Measuring the model before fine-tuning…</source>
        <translation>正在测量微调前的模型…</translation>
    </message>
    <message>
        <source>Measuring the fine-tuned model…</source>
        <translation>正在测量微调后的模型…</translation>
    </message>
    <message>
        <source>Unknown export format &apos;{format}&apos;; choose one of {formats}.</source>
        <translation>未知的导出格式“{format}”；请从 {formats} 中选择。</translation>
    </message>
    <message>
        <source>Cannot export to &apos;{path}&apos;: the folder &apos;{folder}&apos; does not exist.</source>
        <translation>无法导出到“{path}”：文件夹“{folder}”不存在。</translation>
    </message>
    <message>
        <source>Cannot export to &apos;{path}&apos;: the folder &apos;{folder}&apos; is not writable ({error}).</source>
        <translation>无法导出到“{path}”：文件夹“{folder}”不可写入（{error}）。</translation>
    </message>
    <message>
        <source>Cannot export to &apos;{path}&apos;: it is a folder, and the {format} format writes a single file.</source>
        <translation>无法导出到“{path}”：它是一个文件夹，而 {format} 格式写入的是单个文件。</translation>
    </message>
    <message>
        <source>Cannot export to &apos;{path}&apos;: it is a file, and a SavedModel is written as a folder.</source>
        <translation>无法导出到“{path}”：它是一个文件，而 SavedModel 要写成一个文件夹。</translation>
    </message>
    <message>
        <source>Exporting as {format} needs the Python package(s) {packages}, which are not installed. Install them with: {command}</source>
        <translation>导出为 {format} 需要 Python 包 {packages}，但尚未安装。请用以下命令安装：{command}</translation>
    </message>
    <message>
        <source>Exporting to &apos;{path}&apos; as {format} failed: {error}</source>
        <translation>以 {format} 格式导出到“{path}”失败：{error}</translation>
    </message>
    <message>
        <source>The {format} export agrees with the Keras model on only {agreement} of the test images ({required} needed), so nothing was written to &apos;{path}&apos;.</source>
        <translation>{format} 导出结果只在 {agreement} 的测试图像上与 Keras 模型一致（至少需要 {required}），因此没有向“{path}”写入任何内容。</translation>
    </message>
    <message>
        <source>{what} failed: {error}</source>
        <translation>{what}失败：{error}</translation>
    </message>
    <message>
        <source>TensorFlow could not be loaded: {error}</source>
        <translation>无法加载 TensorFlow：{error}</translation>
    </message>
    <message>
        <source>The model could not classify the drawing: {error}</source>
        <translation>模型无法识别这个手写数字：{error}</translation>
    </message>
    <message>
        <source>The saliency map could not be computed: {error}</source>
        <translation>无法计算显著性图：{error}</translation>
    </message>
    <message>
        <source>There is no model yet: train one or open one first.</source>
        <translation>还没有模型：请先训练或打开一个模型。</translation>
    </message>
    <message>
        <source>The map shows 2,000 test images: open the MNIST dataset (File &gt; Open dataset…) to see it.</source>
        <translation>这张图显示 2,000 张测试图像：请先打开 MNIST 数据集（文件 &gt; 打开数据集…）。</translation>
    </message>
    <message>
        <source>This view could not be computed: {error}</source>
        <translation>无法计算这个视图：{error}</translation>
    </message>
    <message>
        <source>The Grad-CAM map could not be computed: {error}</source>
        <translation>无法计算 Grad-CAM 热力图：{error}</translation>
    </message>
    <message>
        <source>Nothing to picture: choose a digit or a filter.</source>
        <translation>没有可生成的图像：请选择一个数字或一个滤波器。</translation>
    </message>
    <message>
        <source>This network has no layer called &apos;{layer}&apos;. Its convolutions are: {layers}.</source>
        <translation>这个网络没有名为“{layer}”的层。它的卷积层有：{layers}。</translation>
    </message>
    <message>
        <source>Layer &apos;{layer}&apos; is a {kind}, not a convolution, so it has no filters to picture.</source>
        <translation>层“{layer}”是 {kind}，不是卷积层，所以没有可生成图像的滤波器。</translation>
    </message>
    <message>
        <source>Layer &apos;{layer}&apos; has {count} filters, numbered 0 to {last}; there is no filter {channel}.</source>
        <translation>层“{layer}”有 {count} 个滤波器，编号 0 到 {last}；没有第 {channel} 个滤波器。</translation>
    </message>
    <message>
        <source>This network gives {count} outputs, not one for each of the 10 digits, so it has no digit pictures.</source>
        <translation>这个网络有 {count} 个输出，而不是 10 个数字各一个，所以没有数字图像。</translation>
    </message>
    <message>
        <source>There is no digit {digit}: pictures exist for the digits 0 to 9.</source>
        <translation>没有数字 {digit}：只有数字 0 到 9 的图像。</translation>
    </message>
    <message>
        <source>This network has no convolution with maps larger than 1x1, so Grad-CAM has nothing to show.</source>
        <translation>这个网络没有特征图大于 1×1 的卷积层，所以 Grad-CAM 无法显示任何内容。</translation>
    </message>
    <message>
        <source>Grad-CAM explains one of the digits 0 to 9, not {digit}.</source>
        <translation>Grad-CAM 只能解释数字 0 到 9，不能解释 {digit}。</translation>
    </message>
    <message>
        <source>This network&apos;s answer does not come out of a Dense layer with a layer before it, so it has no inner space to map.</source>
        <translation>这个网络的答案不是由一个前面还有层的全连接层给出的，所以没有可绘制的内部空间。</translation>
    </message>
    <message>
        <source>The map needs at least {minimum} images; there are {count}.</source>
        <translation>这张图至少需要 {minimum} 张图像；现在只有 {count} 张。</translation>
    </message>
    <message>
        <source>Unknown non-digit shape &apos;{kind}&apos;; known kinds: {kinds}.</source>
        <translation>未知的非数字形状“{kind}”；已知的类型有：{kinds}。</translation>
    </message>
    <message>
        <source>The number of non-digit shapes must be 0 or more, not {count}.</source>
        <translation>非数字形状的数量必须大于等于 0，而不是 {count}。</translation>
    </message>
    <message>
        <source>Non-digit training shapes need a seed from 0 to {limit} (exclusive), not {seed}: seeds from {limit} on are the tests&apos;.</source>
        <translation>用于训练的非数字形状需要 0 到 {limit}（不含）之间的种子，而不是 {seed}：{limit} 及以上的种子留给测试。</translation>
    </message>
</context>
<context>
    <name>ModelSummary</name>
    <message>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Output shape</source>
        <translation>输出形状</translation>
    </message>
    <message>
        <source>Params</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Bundled model</source>
        <translation>自带模型</translation>
    </message>
    <message>
        <source>Trained in this session</source>
        <translation>本次训练所得</translation>
    </message>
    <message>
        <source>Training…</source>
        <translation>训练中…</translation>
    </message>
    <message>
        <source>Fine-tuned on your samples</source>
        <translation>已用你的样本微调</translation>
    </message>
    <message>
        <source>No model loaded yet</source>
        <translation>尚未载入模型</translation>
    </message>
    <message>
        <source>Total params: {count}</source>
        <translation>参数总数：{count}</translation>
    </message>
    <message>
        <source>recipe {recipe}</source>
        <translation>配方 {recipe}</translation>
    </message>
    <message>
        <source>test accuracy {accuracy} %</source>
        <translation>测试准确率 {accuracy} %</translation>
    </message>
    <message>
        <source>{epochs} epochs</source>
        <translation>{epochs} 轮</translation>
    </message>
</context>
<context>
    <name>OverlayControls</name>
    <message>
        <source>Saliency</source>
        <translation>显著性</translation>
    </message>
    <message>
        <source>Colour the pixels whose change would move the predicted digit&apos;s probability most (|∂p/∂input|, averaged over a few noisy copies of the drawing)</source>
        <translation>给那些一改变就最能影响预测数字概率的像素上色（|∂p/∂input|，在几份加了噪声的绘图副本上取平均）</translation>
    </message>
    <message>
        <source>Grad-CAM</source>
        <translation>Grad-CAM</translation>
    </message>
    <message>
        <source>its answer</source>
        <translation>它的答案</translation>
    </message>
    <message>
        <source>Which digit to explain: the network&apos;s answer, or any digit (“why not 3?”)</source>
        <translation>要解释哪个数字：网络的答案，或任意一个数字（“为什么不是 3？”）</translation>
    </message>
    <message>
        <source>Warm colours: where the maps of {layer} hold evidence for {digit}.</source>
        <translation>暖色：{layer} 的特征图中支持 {digit} 的区域。</translation>
    </message>
    <message>
        <source>Warm colours: the pixels whose change would move the answer {digit} most.</source>
        <translation>暖色：一改变就最能影响答案 {digit} 的像素。</translation>
    </message>
    <message>
        <source>Colour the regions that raise the chosen digit&apos;s score, as seen by the last convolution whose maps are larger than 1×1 (Grad-CAM: its maps weighted by how much each one moves that score)</source>
        <translation>给提高所选数字得分的区域上色，依据是最后一个特征图大于 1×1 的卷积层（Grad-CAM：按每张特征图对该得分的影响大小加权）</translation>
    </message>
</context>
<context>
    <name>Phases</name>
    <message>
        <source>Loading TensorFlow…</source>
        <translation>正在加载 TensorFlow…</translation>
    </message>
    <message>
        <source>Loading the model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <source>Loading the dataset…</source>
        <translation>正在加载数据集…</translation>
    </message>
    <message>
        <source>Building and compiling the model…</source>
        <translation>正在构建并编译模型…</translation>
    </message>
    <message>
        <source>Training…</source>
        <translation>正在训练…</translation>
    </message>
    <message>
        <source>Validating…</source>
        <translation>正在验证…</translation>
    </message>
    <message>
        <source>Evaluating on the test set…</source>
        <translation>正在测试集上评估…</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>Evaluating…</source>
        <translation>正在评估…</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <source>Exporting and checking the export…</source>
        <translation>正在导出并检查导出结果…</translation>
    </message>
    <message>
        <source>Fine-tuning on your samples…</source>
        <translation>正在用你的样本微调…</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>TensorFlow could not be loaded</source>
        <translation>无法加载 TensorFlow</translation>
    </message>
</context>
<context>
    <name>PredictionPanel</name>
    <message>
        <source>{digit}  (unsure — the model&apos;s output is not a number)</source>
        <translation>{digit}  （没把握：模型的输出不是数）</translation>
    </message>
    <message>
        <source>{digit}  ({percent} %, unsure — could be {second})</source>
        <translation>{digit}  （{percent} %，没把握，可能是 {second}）</translation>
    </message>
    <message>
        <source>{digit}  ({percent} %, unsure — not like any digit)</source>
        <translation>{digit}  （{percent} %，没把握，不像数字）</translation>
    </message>
    <message>
        <source>What the model sees: the drawing cropped, scaled to 20 px and centred in 28×28</source>
        <translation>模型看到的输入：裁剪后的手写数字，缩放到 20 px，居中放在 28×28 中</translation>
    </message>
    <message>
        <source>Model input, 28 × 28</source>
        <translation>模型输入，28 × 28</translation>
    </message>
    <message>
        <source>Draw a digit</source>
        <translation>写一个数字</translation>
    </message>
    <message>
        <source>digit</source>
        <translation>数字</translation>
    </message>
    <message>
        <source>Top probability {top}, entropy {entropy} bits. Flagged unsure below {limit} or above {bits} bits.</source>
        <translation>最高概率 {top}，熵 {entropy} bits。最高概率低于 {limit} 或熵高于 {bits} bits 时标为没把握。</translation>
    </message>
</context>
<context>
    <name>RunHistoryView</name>
    <message>
        <source>Open model</source>
        <translation>打开模型</translation>
    </message>
    <message>
        <source>Open the model file saved from the selected run</source>
        <translation>打开所选训练保存的模型文件</translation>
    </message>
    <message>
        <source>Delete run…</source>
        <translation>删除训练…</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Delete run</source>
        <translation>删除训练</translation>
    </message>
    <message>
        <source>Delete run {run} and its curves from the run history? Its model file is kept.</source>
        <translation>从训练记录中删除第 {run} 次训练及其曲线？其模型文件会保留。</translation>
    </message>
    <message>
        <source>Export runs as CSV</source>
        <translation>将训练记录导出为 CSV</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
</context>
<context>
    <name>RunsTable</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>轮数</translation>
    </message>
    <message>
        <source>Test acc.</source>
        <translation>测试准确率</translation>
    </message>
    <message>
        <source>Val. acc.</source>
        <translation>验证准确率</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>用时</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <source>Model file</source>
        <translation>模型文件</translation>
    </message>
    <message>
        <source>running…</source>
        <translation>进行中…</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <source>{recipe}, {optimizer}</source>
        <translation>{recipe}，{optimizer}</translation>
    </message>
    <message>
        <source>lr={lr}</source>
        <translation>学习率={lr}</translation>
    </message>
    <message>
        <source>batch {batch}</source>
        <translation>批大小 {batch}</translation>
    </message>
    <message>
        <source>{n} images</source>
        <translation>{n} 张图像</translation>
    </message>
    <message>
        <source>{seconds} s</source>
        <translation>{seconds} 秒</translation>
    </message>
    <message>
        <source>, </source>
        <translation>，</translation>
    </message>
</context>
<context>
    <name>SettingsForm</name>
    <message>
        <source>Recipe</source>
        <translation>配方</translation>
    </message>
    <message>
        <source>Epochs</source>
        <translation>轮数</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>Optimiser</source>
        <translation>优化器</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Validation split</source>
        <translation>验证集比例</translation>
    </message>
    <message>
        <source>Random seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Training images</source>
        <translation>训练图像数</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>seed: the tutorial&apos;s recipe, unchanged. robust: augmented, for real handwriting.</source>
        <translation>seed：教程原样的配方。robust：加了数据增强，适合真实的手写。</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Train on the first N training images only (all = 60,000), for quick experiments.</source>
        <translation>只用前 N 张训练图像训练（全部 = 60,000），用于快速实验。</translation>
    </message>
</context>
<context>
    <name>TeachPanel</name>
    <message>
        <source>Jan</source>
        <translation>1月</translation>
    </message>
    <message>
        <source>Feb</source>
        <translation>2月</translation>
    </message>
    <message>
        <source>Mar</source>
        <translation>3月</translation>
    </message>
    <message>
        <source>Apr</source>
        <translation>4月</translation>
    </message>
    <message>
        <source>May</source>
        <translation>5月</translation>
    </message>
    <message>
        <source>Jun</source>
        <translation>6月</translation>
    </message>
    <message>
        <source>Jul</source>
        <translation>7月</translation>
    </message>
    <message>
        <source>Aug</source>
        <translation>8月</translation>
    </message>
    <message>
        <source>Sep</source>
        <translation>9月</translation>
    </message>
    <message>
        <source>Oct</source>
        <translation>10月</translation>
    </message>
    <message>
        <source>Nov</source>
        <translation>11月</translation>
    </message>
    <message>
        <source>Dec</source>
        <translation>12月</translation>
    </message>
    <message>
        <source>Continue training a copy of the current model on your samples, mixed with MNIST.

• {mnist_per_user} MNIST images for each of yours shown (a third of every batch is yours): a few hundred drawings of one person would otherwise pull the network towards that style alone and it would start misreading everybody else&apos;s.
• Each of your samples shown {user_repeats} times an epoch, randomly rotated, shifted and thickened, so it learns your style rather than your exact pixels.
• A low learning rate (Adam, {learning_rate}, a tenth of training&apos;s) for {epochs} epochs: the model is already good and only needs nudging; a high rate would undo what 60,000 images taught it.
• {holdout} of your samples (at least one per digit that has two) are held back and never trained on: the accuracy on them says whether it learned your handwriting or only memorised the samples.

The current model is kept: &apos;Revert to previous model&apos; brings it back, and nothing is saved to disk unless you save.</source>
        <translation>在你的样本（混合 MNIST）上继续训练当前模型的一个副本。

• 你的每个样本配 {mnist_per_user} 张 MNIST 图像（每个批次有三分之一是你的）：否则一个人画的几百个数字会把网络拉向这一种笔迹，它就会开始认错其他人写的字。
• 你的每个样本每轮出现 {user_repeats} 次，并随机旋转、平移和加粗，让它学到你的笔迹风格，而不是死记像素。
• 用较低的学习率（Adam，{learning_rate}，训练时的十分之一）训练 {epochs} 轮：模型已经不错，只需要微调；学习率太高会毁掉 60,000 张图像教给它的东西。
• 你的样本中有 {holdout}（每个至少有两个样本的数字至少一个）被留出，从不参与训练：它们上面的准确率说明模型是学会了你的笔迹，还是只记住了这些样本。

当前模型会被保留：“恢复为之前的模型”可以把它找回来；除非你保存，否则不会写入磁盘。</translation>
    </message>
    <message>
        <source>{day} {month} {time}</source>
        <translation>{month}{day}日 {time}</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Relabel as</source>
        <translation>标签改为</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Save every sample to a .npz file (images, labels, strokes, dates)</source>
        <translation>把所有样本保存到 .npz 文件（图像、标签、笔画、日期）</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <source>Add the samples of a .npz file exported by Digit Trainer</source>
        <translation>添加 Digit Trainer 导出的 .npz 文件中的样本</translation>
    </message>
    <message>
        <source>Fine-tune on my samples</source>
        <translation>用我的样本微调</translation>
    </message>
    <message>
        <source>Revert to previous model</source>
        <translation>恢复为之前的模型</translation>
    </message>
    <message>
        <source>Go back to the model from before the last fine-tuning</source>
        <translation>回到上次微调之前的模型</translation>
    </message>
    <message>
        <source>Fine-tune</source>
        <translation>微调</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>微调前</translation>
    </message>
    <message>
        <source>After</source>
        <translation>微调后</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>变化</translation>
    </message>
    <message>
        <source>MNIST test</source>
        <translation>MNIST 测试集</translation>
    </message>
    <message>
        <source>Your samples</source>
        <translation>你的样本</translation>
    </message>
    <message>
        <source>Accuracy of the model before and after fine-tuning, side by side</source>
        <translation>微调前后模型的准确率对比</translation>
    </message>
    <message>
        <source>Sample {id}: a {label}, taught {created}</source>
        <translation>样本 {id}：数字 {label}，添加于 {created}</translation>
    </message>
    <message>
        <source>Label at least {count} drawings, then fine-tune. Hover the button for how.</source>
        <translation>至少给 {count} 个绘图加上标签，然后微调。把鼠标停在按钮上可查看做法。</translation>
    </message>
    <message>
        <source>&lt;b&gt;{count} samples&lt;/b&gt; · {per_digit}</source>
        <translation>&lt;b&gt;{count} 个样本&lt;/b&gt; · {per_digit}</translation>
    </message>
</context>
<context>
    <name>TrainingPanel</name>
    <message>
        <source>Not trained yet</source>
        <translation>尚未训练</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop training within one batch (Esc)</source>
        <translation>在一个批次之内停止训练（Esc）</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>训练记录</translation>
    </message>
    <message>
        <source>Waiting for TensorFlow to load…</source>
        <translation>正在等待 TensorFlow 加载…</translation>
    </message>
    <message>
        <source>Busy: Train is available once this job ends (Esc stops it)</source>
        <translation>正忙：这项任务结束后才能训练（按 Esc 停止）</translation>
    </message>
    <message>
        <source>Train with these settings (Ctrl+T)</source>
        <translation>用这些设置训练（Ctrl+T）</translation>
    </message>
    <message>
        <source>Cannot train: {error}</source>
        <translation>无法训练：{error}</translation>
    </message>
    <message>
        <source>Device: loading TensorFlow…</source>
        <translation>设备：正在加载 TensorFlow…</translation>
    </message>
    <message>
        <source>Device: {device}</source>
        <translation>设备：{device}</translation>
    </message>
    <message>
        <source>Epoch {epoch}/{epochs} · batch {batch}/{batches} · %p%</source>
        <translation>第 {epoch}/{epochs} 轮 · 批次 {batch}/{batches} · %p%</translation>
    </message>
    <message>
        <source>{rate} samples/s</source>
        <translation>{rate} 样本/秒</translation>
    </message>
    <message>
        <source>measuring speed…</source>
        <translation>正在测速…</translation>
    </message>
    <message>
        <source>loss {loss} · accuracy {accuracy} · {rate} · ETA {eta}</source>
        <translation>损失 {loss} · 准确率 {accuracy} · {rate} · 剩余 {eta}</translation>
    </message>
    <message>
        <source>Test accuracy: –</source>
        <translation>测试准确率：–</translation>
    </message>
    <message>
        <source>Test accuracy: {accuracy} %</source>
        <translation>测试准确率：{accuracy} %</translation>
    </message>
    <message>
        <source>Training did not run</source>
        <translation>训练没有进行</translation>
    </message>
    <message>
        <source>Done: {epochs} epochs in {seconds} s</source>
        <translation>完成：{epochs} 轮，用时 {seconds} s</translation>
    </message>
    <message>
        <source>Stopped after {epochs} epoch(s)</source>
        <translation>在 {epochs} 轮后停止</translation>
    </message>
    <message>
        <source>Evaluation stopped</source>
        <translation>评估已停止</translation>
    </message>
    <message>
        <source>Evaluation done</source>
        <translation>评估完成</translation>
    </message>
</context>
<context>
    <name>TrainingPlots</name>
    <message>
        <source>epoch</source>
        <translation>轮次</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <source>cross-entropy</source>
        <translation>交叉熵</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <source>run {}</source>
        <translation>第 {} 次训练</translation>
    </message>
    <message>
        <source>history {label}</source>
        <translation>记录 {label}</translation>
    </message>
    <message>
        <source>batches (smoothed)</source>
        <translation>批次（平滑）</translation>
    </message>
    <message>
        <source>train, end of epoch</source>
        <translation>训练（每轮末）</translation>
    </message>
    <message>
        <source>validation</source>
        <translation>验证</translation>
    </message>
</context>
<context>
    <name>XcbCheck</name>
    <message>
        <source>Digit Trainer cannot open its window: Qt&apos;s X11 (xcb) platform plugin needs system libraries that are not installed ({libraries}).
On Debian or Ubuntu, install them with:

    {command}

On other Linux distributions, install the packages that provide these files.</source>
        <translation>Digit Trainer 无法打开窗口：Qt 的 X11（xcb）平台插件所需的系统库没有安装（{libraries}）。
在 Debian 或 Ubuntu 上，用下面的命令安装：

    {command}

在其他 Linux 发行版上，请安装提供这些文件的软件包。</translation>
    </message>
</context>
</TS>
