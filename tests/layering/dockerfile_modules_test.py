#!/usr/bin/env python3
"""The image's build stage (docker/Dockerfile) copies every module the top-level CMakeLists.txt
builds: a module added to the build but not to the image breaks only the image build, which
runs last in the test command."""
import pathlib
import re
import sys
import unittest

ROOT = pathlib.Path(__file__).resolve().parents[2]


class DockerfileModulesTest(unittest.TestCase):
    def test_every_built_module_is_copied(self):
        cmake = (ROOT / "CMakeLists.txt").read_text()
        modules = re.search(r"foreach\(module ([^)]*)\)", cmake).group(1).split()
        dockerfile = (ROOT / "docker" / "Dockerfile").read_text()
        copied = set(re.findall(r"^COPY (\w+) \1$", dockerfile, re.M))
        missing = [m for m in modules if (ROOT / m).is_dir() and m not in copied]
        self.assertEqual(missing, [], f"docker/Dockerfile does not copy {missing}")


if __name__ == "__main__":
    sys.exit(unittest.main())
