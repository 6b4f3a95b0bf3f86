#!/usr/bin/env python3
"""Writes a TorchScript ResNet-18 image featurizer for `meta_train fit --featurizer FILE.pt`.

The module maps float RGB images (B, 3, 32, 32) in [0, 1] to (B, 512) features: ImageNet normalisation,
torchvision's ResNet-18 layout (so that torchvision's state_dict loads with --weights), global average
pooling, no classifier -- the reference featurizer of Transfer-NAS / MetaD2A. Without --weights the
network keeps its seeded random initialisation (random features; useful for checks, weak as a featurizer).
Needs only PyTorch (Debian: python3-torch); no torchvision.
"""
import argparse

import torch
from torch import nn


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        return self.relu(self.bn2(self.conv2(out)) + identity)


class ResNet18Features(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("mean", torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1))
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        widths = [64, 128, 256, 512]
        cin = 64
        for i, w in enumerate(widths):
            stride = 1 if i == 0 else 2
            setattr(self, f"layer{i + 1}", nn.Sequential(BasicBlock(cin, w, stride), BasicBlock(w, w, 1)))
            cin = w

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = (x - self.mean) / self.std
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return x.mean(dim=[2, 3])


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="TorchScript file to write")
    p.add_argument("--weights", help="torchvision resnet18 state_dict (.pth); fc.* entries are ignored")
    p.add_argument("--seed", type=int, default=0, help="seed of the random initialisation")
    a = p.parse_args()
    torch.manual_seed(a.seed)
    net = ResNet18Features()
    if a.weights:
        state = {k: v for k, v in torch.load(a.weights, map_location="cpu").items() if not k.startswith("fc.")}
        missing, unexpected = net.load_state_dict(state, strict=False)
        missing = [m for m in missing if m not in ("mean", "std")]
        if missing or unexpected:
            raise SystemExit(f"{a.weights}: not a torchvision resnet18 state_dict (missing {missing[:3]}, unexpected {unexpected[:3]})")
    net.eval()
    scripted = torch.jit.script(net)
    with torch.no_grad():
        out = scripted(torch.rand(2, 3, 32, 32))
    assert out.shape == (2, 512), out.shape
    scripted.save(a.out)
    print(f"{a.out}: ResNet-18 featurizer, (B, 3, 32, 32) -> (B, 512), weights: {a.weights or f'random (seed {a.seed})'}")


if __name__ == "__main__":
    main()
