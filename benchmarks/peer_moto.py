"""The peer: moto's EC2 through boto3, the same size of flow as the openstacksdk one.

Runs in the benchmark's own environment (``benchmarks/.venv-peer``, made by ``make bench``;
moto is no dependency of fakecloud) and prints its measures as JSON on stdout:

    benchmarks/.venv-peer/bin/python benchmarks/peer_moto.py [--quick]

With ``--serve`` it measures on demand instead, so that `make bench` can take the peer's samples
between its own (side by side in time, not one after the other: a shared machine's speed drifts
by a third within minutes). It prints ``{"name": ...}`` once ready, then reads one word per line
(``flow`` or ``fresh``) and answers each with one sample, CPU milliseconds; it ends at EOF.

The flow has 13 requests, as fakecloud's: run an instance with an EBS root volume, five
describes (fakecloud's client polls five times until ACTIVE), create an image, two describes of
it, terminate, two describes, and deregister the image (clean-up). ``fresh`` is what one pytest
test pays: a fresh ``mock_aws``, a new client and the first flow.
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import sys
import time

os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402

MAPPING = [{"DeviceName": "/dev/sda1", "Ebs": {"VolumeSize": 1, "DeleteOnTermination": True}}]


def flow(ec2, ami: str, n: int) -> int:
    """One flow; the number of requests it sent."""
    r = ec2.run_instances(
        ImageId=ami, MinCount=1, MaxCount=1, InstanceType="t2.micro", BlockDeviceMappings=MAPPING
    )
    iid = r["Instances"][0]["InstanceId"]
    for _ in range(5):
        ec2.describe_instances(InstanceIds=[iid])
    image = ec2.create_image(InstanceId=iid, Name=f"snap-{n}")["ImageId"]
    for _ in range(2):
        ec2.describe_images(ImageIds=[image])
    ec2.terminate_instances(InstanceIds=[iid])
    for _ in range(2):
        ec2.describe_instances(InstanceIds=[iid])
    ec2.deregister_image(ImageId=image)
    return 13


def _ami(ec2) -> str:
    return "ami-03cf127a"  # one of the AMIs moto serves by default


def _cpu(work) -> float:
    start = time.process_time()
    work()
    return time.process_time() - start


def _summary(samples_ms: list[float]) -> dict:
    return {
        "median": statistics.median(samples_ms),
        "min": min(samples_ms),
        "max": max(samples_ms),
        "runs": len(samples_ms),
    }


def _fresh() -> None:
    with mock_aws():
        ec2 = boto3.client("ec2", region_name="us-east-1")
        flow(ec2, _ami(ec2), 0)


def serve() -> int:
    """Answer ``flow`` and ``fresh`` requests on stdin with one CPU-ms sample each."""
    name = "moto " + __import__("moto").__version__ + " + boto3"
    _fresh()
    world = None  # the flows' mock and client, kept between flow samples as in main()
    print(json.dumps({"name": name}), flush=True)
    for n, line in enumerate(sys.stdin):
        if line.strip() == "fresh":
            if world:  # a fresh start is a fresh mock_aws: the flows' one ends first
                world[0].stop()
                world = None
            sample = _cpu(_fresh)
        else:
            if world is None:
                mock = mock_aws()
                mock.start()
                ec2 = boto3.client("ec2", region_name="us-east-1")
                world = (mock, ec2, _ami(ec2))
                flow(ec2, world[2], -1)
                gc.collect()
            sample = _cpu(lambda n=n, w=world: flow(w[1], w[2], n))
        print(f"{sample * 1000:.6f}", flush=True)
    if world:
        world[0].stop()
    return 0


def main(argv: list[str]) -> int:
    """Measure the flow and the fresh start; print JSON."""
    if "--serve" in argv:
        return serve()
    runs = 5 if "--quick" in argv else 25
    out = {"name": "moto " + __import__("moto").__version__ + " + boto3"}
    with mock_aws():
        ec2 = boto3.client("ec2", region_name="us-east-1")
        ami = _ami(ec2)
        flow(ec2, ami, -1)
        gc.collect()
        samples = [_cpu(lambda n=n: flow(ec2, ami, n)) * 1000 for n in range(runs)]
    out["flow"] = _summary(samples)

    _fresh()
    gc.collect()
    out["fresh"] = _summary([_cpu(_fresh) * 1000 for _ in range(runs)])
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
