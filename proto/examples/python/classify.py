#!/usr/bin/env python3
"""Classify image files with a Chorus ensemble over gRPC (Debian's python3-grpcio).

Usage: classify.py HOST:PORT ENSEMBLE IMAGE... [--top-k K] [--version N]
Stubs: python3 -m grpc_tools.protoc -I proto/src/main/proto --python_out=OUT --grpc_python_out=OUT \
           proto/src/main/proto/chorus/v1/classifier.proto   (then PYTHONPATH=OUT)
"""
import argparse
import sys

import grpc

from chorus.v1 import classifier_pb2, classifier_pb2_grpc


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target")
    parser.add_argument("ensemble")
    parser.add_argument("images", nargs="+")
    parser.add_argument("--top-k", type=int, default=3)
    parser.add_argument("--version", type=int, default=0, help="0 = the current version")
    args = parser.parse_args()

    failed = False
    with grpc.insecure_channel(args.target) as channel:
        classifier = classifier_pb2_grpc.ClassifierStub(channel)
        for path in args.images:
            with open(path, "rb") as f:
                request = classifier_pb2.ClassifyRequest(
                    ensemble=args.ensemble, version=args.version, image=f.read(), top_k=args.top_k,
                    request_id=path)
            try:
                answer = classifier.Classify(request, timeout=10)
            except grpc.RpcError as error:
                print(f"{path}: {error.code().name}: {error.details()}", file=sys.stderr)
                failed = True
                continue
            labels = ", ".join(f"{label.label} {label.probability:.3f}" for label in answer.labels)
            print(f"{path}: {labels}  (version {answer.version}, {answer.arm}, {answer.timings.total_ms:.1f} ms)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
