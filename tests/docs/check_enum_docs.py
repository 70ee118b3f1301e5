#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""check_enum_docs.py XML_DIR: every value of every documented enum in Doxygen's XML
output has a description (Doxygen warns about undocumented members, not about
undocumented enum values). Prints one line per undocumented value, in the format of
Doxygen's warnings, and exits with 1 if there is any."""

import glob
import os
import sys
import xml.etree.ElementTree as ElementTree


def text(element):
    return ''.join(element.itertext()).strip() if element is not None else ''


def main():
    xml_dir = sys.argv[1]
    files = glob.glob(os.path.join(xml_dir, '*.xml'))
    if not files:
        sys.exit('no Doxygen XML output in %s' % xml_dir)
    problems = set()
    enums = 0
    for path in files:
        if os.path.basename(path) in ('index.xml',):
            continue
        root = ElementTree.parse(path).getroot()
        for compound in root.iter('compounddef'):
            # Files and groups repeat the members of namespaces and classes.
            if compound.get('kind') not in ('class', 'struct', 'union', 'namespace'):
                continue
            scope = text(compound.find('compoundname'))
            for member in compound.iter('memberdef'):
                if member.get('kind') != 'enum' or member.get('prot') not in ('public', None):
                    continue
                enums += 1
                location = member.find('location')
                where = '%s:%s' % (location.get('file'), location.get('line')) if location is not None else path
                for value in member.findall('enumvalue'):
                    if not text(value.find('briefdescription')) and not text(value.find('detaileddescription')):
                        problems.add('%s: warning: enum value %s::%s::%s is not documented'
                                     % (where, scope, text(member.find('name')), text(value.find('name'))))
    for problem in sorted(problems):
        print(problem, file=sys.stderr)
    print('-- %d enums checked, %d undocumented values' % (enums, len(problems)))
    sys.exit(1 if problems else 0)


if __name__ == '__main__':
    main()
