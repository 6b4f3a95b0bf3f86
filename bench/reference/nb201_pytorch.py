"""NAS-Bench-201 network in PyTorch (written from the NAS-Bench-201 paper), for side-by-side training
throughput: eager, and torch.compile(mode="reduce-overhead") with channels-last + bf16 autocast.
Usage: python3 nb201_pytorch.py [--quick] [--device cuda]  -> one JSON line per variant."""
import argparse, json, time
import torch
import torch.nn as nn
import torch.nn.functional as F

OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
EDGES = [(0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3)]

def parse(arch):
    ops = []
    for group in arch.split("+"):
        for tok in group.strip("|").split("|"):
            ops.append(tok.split("~")[0])
    return ops

class ReLUConvBN(nn.Sequential):
    def __init__(self, cin, cout, k, stride):
        super().__init__(nn.ReLU(), nn.Conv2d(cin, cout, k, stride, k // 2, bias=False), nn.BatchNorm2d(cout))

class Cell(nn.Module):
    def __init__(self, ops, c):
        super().__init__()
        self.ops = ops
        self.edges = nn.ModuleList([ReLUConvBN(c, c, 1 if o == "nor_conv_1x1" else 3, 1) if o.startswith("nor_conv") else nn.Identity() for o in ops])
    def forward(self, x):
        nodes = [x]
        e = 0
        for i in range(1, 4):
            s = None
            for j in range(i):
                o = self.ops[e]
                if o == "none":
                    e += 1; continue
                y = F.avg_pool2d(nodes[j], 3, 1, 1, count_include_pad=False) if o == "avg_pool_3x3" else self.edges[e](nodes[j])
                s = y if s is None else s + y
                e += 1
            nodes.append(s if s is not None else torch.zeros_like(x))
        return nodes[3]

class Reduction(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.a = ReLUConvBN(cin, cout, 3, 2); self.b = ReLUConvBN(cout, cout, 3, 1)
        self.short = nn.Sequential(nn.AvgPool2d(2, 2), nn.Conv2d(cin, cout, 1, bias=False))
    def forward(self, x):
        return self.b(self.a(x)) + self.short(x)

class Net(nn.Module):
    def __init__(self, arch, C=16, N=5, classes=10):
        super().__init__()
        ops = parse(arch)
        layers = [nn.Conv2d(3, C, 3, padding=1, bias=False), nn.BatchNorm2d(C)]
        for s in range(3):
            w = C << s
            if s: layers.append(Reduction(w // 2, w))
            layers += [Cell(ops, w) for _ in range(N)]
        self.body = nn.Sequential(*layers)
        self.last = nn.BatchNorm2d(4 * C); self.fc = nn.Linear(4 * C, classes)
    def forward(self, x):
        return self.fc(F.relu(self.last(self.body(x))).mean((2, 3)))

def measure(net, device, batch, res, steps, compiled):
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4)
    x = torch.randn(batch, 3, res, res, device=device); y = torch.randint(0, 10, (batch,), device=device)
    if compiled:
        net = net.to(memory_format=torch.channels_last); x = x.to(memory_format=torch.channels_last)
    def step():
        with torch.autocast(device_type=device, dtype=torch.bfloat16, enabled=compiled):
            loss = F.cross_entropy(net(x), y)
        opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
    fn = torch.compile(step, mode="reduce-overhead") if compiled else step
    for _ in range(10): fn()
    if device == "cuda": torch.cuda.synchronize()
    t = time.perf_counter()
    for _ in range(steps): fn()
    if device == "cuda": torch.cuda.synchronize()
    return batch * steps / (time.perf_counter() - t)

if __name__ == "__main__":
    p = argparse.ArgumentParser(); p.add_argument("--quick", action="store_true"); p.add_argument("--device", default="cuda")
    a = p.parse_args()
    arch = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"
    steps = 5 if a.quick else 100
    for name, C, N, res, batch in (("paper network (C=16, N=5, 32x32, batch 256)", 16, 5, 32, 256), ("proxy (C=8, N=1, 16x16, batch 128)", 8, 1, 16, 128)):
        for compiled in (False, True):
            net = Net(arch, C, N).to(a.device)
            ips = measure(net, a.device, batch, res, steps, compiled)
            print(json.dumps({"network": name, "variant": "torch.compile reduce-overhead + channels-last + bf16" if compiled else "eager fp32", "images_per_second": ips, "torch": torch.__version__}))
