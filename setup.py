"""Packaging for perf-mgmt for Open edX: one distribution carrying the Django app plugin and its XBlocks."""

import os
import re

from setuptools import find_packages, setup

HERE = os.path.dirname(os.path.abspath(__file__))


def load_requirements(*requirements_paths):
    """
    Read loose requirements from ``.in`` files, skipping comments, includes and constraints.

    Pins live in the compiled ``.txt`` files; what a pip install into the platform needs is the ranges,
    so that the platform's own pins decide the versions.
    """
    requirements = []
    for path in requirements_paths:
        with open(os.path.join(HERE, path), encoding="utf-8") as reqs:
            for line in reqs:
                line = line.split("#", 1)[0].strip()
                if line and not line.startswith(("-r", "-c")):
                    requirements.append(line)
    return requirements


def get_version():
    with open(os.path.join(HERE, "perf_mgmt_plugin", "__init__.py"), encoding="utf-8") as init:
        return re.search(r'^__version__ = ["\']([^"\']+)["\']', init.read(), re.M).group(1)


#: Folders of non-Python files inside the packages: page templates and static files (Django app directories, XBlock
#: resources), XBlock translations (``<top-level package>/translations`` and per block) and the pages' catalogs.
DATA_FOLDERS = [f"{folder}/**/*" for folder in ("templates", "static", "translations", "conf/locale")]

with open(os.path.join(HERE, "README.md"), encoding="utf-8") as readme:
    LONG_DESCRIPTION = readme.read()

setup(
    name="openedx-perf-mgmt",
    version=get_version(),
    description="Performance management and strategy execution inside the Open edX LMS",
    long_description=LONG_DESCRIPTION,
    long_description_content_type="text/markdown",
    license="AGPL-3.0-or-later",
    license_files=["LICENSE.txt"],
    packages=find_packages(include=["perf_mgmt_plugin", "perf_mgmt_plugin.*", "xblocks", "xblocks.*"]),
    # The packages sit at the top of the checkout: said explicitly, `pip install -e .` adds the checkout to sys.path
    # (a .pth file) instead of setuptools' import finder, which warns about same-named folders at every install.
    package_dir={"": "."},
    # Data folders are not packages: each package ships its own by name (MANIFEST.in puts the same into the sdist).
    package_data={"": DATA_FOLDERS},
    include_package_data=False,
    python_requires=">=3.11",
    install_requires=load_requirements("requirements/base.in"),
    entry_points={
        "lms.djangoapp": ["perf_mgmt = perf_mgmt_plugin.apps:PerfMgmtConfig"],
        "cms.djangoapp": ["perf_mgmt = perf_mgmt_plugin.apps:PerfMgmtConfig"],
        "xblock.v1": [
            "perf_mgmt_self_assessment = xblocks.self_assessment.block:SelfAssessmentXBlock",
            "perf_mgmt_checkin = xblocks.checkin.block:CheckInXBlock",
            "perf_mgmt_implementation_guide = xblocks.implementation_guide.block:ImplementationGuideXBlock",
        ],
    },
    classifiers=[
        "Framework :: Django",
        "Framework :: Django :: 5.2",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
    ],
    zip_safe=False,
)
