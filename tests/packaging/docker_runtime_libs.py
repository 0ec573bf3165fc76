#!/usr/bin/env python3
"""Checks the Dockerfile's runtime stage against the built binary, since no image can be built here:
every library `ldd` shows the binary loading must belong to a Debian package that the runtime
stage's `apt-get install` brings in, itself or as a dependency (Depends/Pre-Depends, recursively).

usage: docker_runtime_libs.py DOCKERFILE BINARY [--without PACKAGE]
--without drops one listed package first: the test that shows the check catches a gap.
Exit 0: all covered; 1: some library would be missing in the image (each is named, with its
package); 2: the check itself could not run (no runtime stage, ldd or dpkg failing).
"""
import os
import re
import subprocess
import sys


def runtime_packages(dockerfile_text):
    """Package names of `apt-get install` in the last stage (after the last FROM)."""
    stages = re.split(r"^FROM\s", dockerfile_text, flags=re.M)
    if len(stages) < 2:
        raise SystemExit("no FROM in the Dockerfile")
    last = stages[-1].replace("\\\n", " ")
    packages = []
    for command in re.findall(r"apt-get\s+install\s+([^&;\n]*)", last):
        packages += [word for word in command.split() if not word.startswith("-") and "=" not in word]
    if not packages:
        raise SystemExit("the runtime stage installs no packages")
    return packages


def linked_libraries(binary):
    """Resolved paths of every shared library the loader maps for `binary` (the vDSO excluded)."""
    result = subprocess.run(["ldd", binary], capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise SystemExit(f"ldd {binary} failed: {result.stderr.strip()}")
    libraries = []
    for line in result.stdout.splitlines():
        if "not found" in line:
            raise SystemExit(f"ldd: {line.strip()}")
        match = re.search(r"(/\S+)\s+\(0x", line)
        if match:
            libraries.append(match.group(1))
    return libraries


def spellings(library):
    """The paths dpkg may have registered `library` under: as given, its real path, and the other
    spelling of merged /usr for each (Debian 12 ships files under /lib or /usr/lib)."""
    paths = []
    for path in (library, os.path.realpath(library)):
        paths += [path, path[4:] if path.startswith("/usr/") else "/usr" + path]
    return paths


def owning_packages(libraries):
    """{library: the installed package that ships it, or None}, from one `dpkg -S` call."""
    wanted = sorted({path for library in libraries for path in spellings(library)})
    result = subprocess.run(["dpkg", "-S", *wanted], capture_output=True, text=True, timeout=120)
    owner_of_path = {}
    for line in result.stdout.splitlines():
        if line.startswith("diversion"):
            continue
        owners, _, path = line.partition(": ")
        owner_of_path[path.strip()] = owners.split(",")[0].split(":")[0].strip()
    return {library: next((owner_of_path[p] for p in spellings(library) if p in owner_of_path), None)
            for library in libraries}


class InstalledPackages:
    """This machine's dpkg database, read once: what is installed, what it provides and needs."""

    def __init__(self):
        result = subprocess.run(["dpkg-query", "-W", "-f=${Package}\t${Status}\t${Provides}\t${Depends}, ${Pre-Depends}\n"],
                                capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise SystemExit("dpkg-query failed: " + result.stderr.strip())
        self.depends, self.provided_by = {}, {}
        for line in result.stdout.splitlines():
            package, status, provides, depends = (line.split("\t") + ["", "", ""])[:4]
            if "ok installed" not in status:
                continue
            self.depends[package] = depends
            for virtual in provides.split(","):
                name = virtual.split("(")[0].strip()
                if name:
                    self.provided_by.setdefault(name, []).append(package)

    def dependencies(self, package):
        found = []
        for clause in self.depends.get(package, "").split(","):
            # "a (>= 1) | b": apt installs one of them; count every alternative present on this
            # machine, directly or through Provides (the one the image gets is among them), else the first.
            options = [alternative.split("(")[0].split(":")[0].strip() for alternative in clause.split("|")]
            options = [o for o in options if o]
            present = []
            for o in options:
                present += [o] if o in self.depends else self.provided_by.get(o, [])
            found += present or options[:1]
        return found

    def closure(self, packages):
        seen, todo = set(), list(packages)
        while todo:
            package = todo.pop()
            if package not in seen:
                seen.add(package)
                todo += self.dependencies(package)
        return seen


def main():
    args = sys.argv[1:]
    if len(args) not in (2, 4) or (len(args) == 4 and args[2] != "--without"):
        print(__doc__, file=sys.stderr)
        return 2
    dockerfile, binary = args[0], args[1]
    with open(dockerfile, encoding="utf-8") as f:
        listed = runtime_packages(f.read())
    if len(args) == 4:
        if args[3] not in listed:
            raise SystemExit(f"--without {args[3]}: the runtime stage does not list it")
        listed.remove(args[3])
    image = InstalledPackages().closure(listed)
    missing = []
    libraries = linked_libraries(binary)
    for library, package in owning_packages(libraries).items():
        if package is None:
            missing.append(f"{library}: no installed Debian package ships it")
        elif package not in image:
            missing.append(f"{library}: from {package}, which the runtime stage does not install")
    print(f"{len(libraries)} libraries of {binary}; runtime stage lists {len(listed)} packages "
          f"({', '.join(listed)}), {len(image)} with their dependencies")
    for line in missing:
        print("missing in the image: " + line)
    return 1 if missing else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SystemExit as stop:
        if isinstance(stop.code, str):
            print("docker_runtime_libs: " + stop.code, file=sys.stderr)
            sys.exit(2)
        raise
