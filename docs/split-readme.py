#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Turns README.md and docs/*.md into the guide pages of the API reference.

    split-readme.py OUTPUT_DIR WARNINGS_LOG README.md [docs/*.md ...]

The text is not copied by hand: every build takes it from the files as they are.

* README.md: the part before the first "##" heading becomes the main page (index.md),
  followed by the list of guides and links to the C++ and QML references; every "##"
  section becomes a guide page of its own (guide-<slug>.md), its subsections one
  level up.
* docs/*.md: a page each, labelled doc-<file name>.
* Every heading gets an explicit label from its GitHub anchor, so links between
  sections ("[Configuration](#configuration)") become Doxygen references that work
  across pages. Links to other files of the repository (examples, sources) become
  their path in code font; images are kept (Doxygen copies them from IMAGE_PATH).
* A link to a section or file that does not exist is written to WARNINGS_LOG in the
  format of Doxygen's warnings, for the docs_warnings test.
"""

import os
import re
import sys

HEADING_RE = re.compile(r'^(#{1,6})\s+(.*?)\s*#*\s*$')
FENCE_RE = re.compile(r'^\s*(```|~~~)')
LINK_RE = re.compile(r'(!?)\[([^\]]*)\]\(([^)\s]+)\)')


def github_slug(text):
    text = re.sub(r'`', '', text).strip().lower()
    text = re.sub(r'[^\w\- ]', '', text)
    return text.replace(' ', '-')


class Document:
    def __init__(self, path, lines):
        self.path = path
        self.lines = lines


def code_mask(lines):
    """For each line, whether it is inside a fenced code block (fences included)."""
    mask = []
    fence = None
    for line in lines:
        match = FENCE_RE.match(line)
        if fence:
            mask.append(True)
            if match and match.group(1) == fence:
                fence = None
        elif match:
            fence = match.group(1)
            mask.append(True)
        else:
            mask.append(False)
    return mask


def main():
    out_dir, warnings_path, readme = sys.argv[1], sys.argv[2], sys.argv[3]
    extra = sys.argv[4:]
    os.makedirs(out_dir, exist_ok=True)
    warnings = []
    pages = []      # (file name, label, title, lines, source path, first source line)
    labels = {}     # (source path, GitHub slug) -> Doxygen label
    file_labels = {}  # repository path of a .md file -> label of its page
    used = set()

    def unique(label):
        base, n = label, 1
        while label in used:
            label = '%s-%d' % (base, n)
            n += 1
        used.add(label)
        return label

    with open(readme, encoding='utf-8') as handle:
        lines = handle.read().split('\n')
    mask = code_mask(lines)
    source_root = os.path.dirname(os.path.abspath(readme))
    readme_rel = os.path.relpath(os.path.abspath(readme), source_root)
    file_labels[readme_rel] = 'index'

    # Split README.md at its "##" headings.
    sections = []
    current = {'title': None, 'start': 0, 'lines': []}
    for number, line in enumerate(lines):
        match = HEADING_RE.match(line) if not mask[number] else None
        if match and len(match.group(1)) == 2:
            sections.append(current)
            current = {'title': match.group(2), 'start': number, 'lines': []}
        current['lines'].append((number, line))
    sections.append(current)

    slug_counts = {}

    def heading_label(source, title, prefix):
        slug = github_slug(title)
        count = slug_counts.setdefault(source, {}).get(slug, 0)
        slug_counts[source][slug] = count + 1
        github = slug if count == 0 else '%s-%d' % (slug, count)
        label = unique(prefix + github)
        labels[(source, github)] = label
        return label

    preamble = sections[0]
    guides = []
    for section in sections[1:]:
        label = heading_label(readme_rel, section['title'], 'guide-')
        guides.append((label, section))

    def transform(source, numbered_lines, demote, first_label=None):
        """Labels headings, demotes them by `demote` levels; links are fixed later."""
        body = []
        line_mask = code_mask([line for _, line in numbered_lines])
        first = True
        for (number, line), in_code in zip(numbered_lines, line_mask):
            match = HEADING_RE.match(line) if not in_code else None
            if match:
                level = max(1, len(match.group(1)) - demote)
                if first and first_label:
                    label = first_label
                else:
                    label = heading_label(source, match.group(2), 'readme-' if source == readme_rel else 'doc-')
                first = False
                body.append((number, '#' * level + ' ' + match.group(2) + ' {#' + label + '}', False))
            else:
                body.append((number, line, in_code))
        return body

    main_body = [(number, line, in_code) for (number, line), in_code
                 in zip(preamble['lines'], code_mask([line for _, line in preamble['lines']]))]
    # The first heading of README.md is the main page's title.
    for k, (number, line, in_code) in enumerate(main_body):
        match = HEADING_RE.match(line) if not in_code else None
        if match:
            main_body[k] = (number, '# ' + match.group(2) + ' {#mainpage}', False)
            used.add('mainpage')
            break

    guide_pages = []
    for label, section in guides:
        guide_pages.append(('%s.md' % label, label, readme_rel, transform(readme_rel, section['lines'], 1, label)))

    doc_pages = []
    for path in sorted(extra):
        with open(path, encoding='utf-8') as handle:
            doc_lines = handle.read().split('\n')
        rel = os.path.relpath(os.path.abspath(path), source_root)
        name = os.path.splitext(os.path.basename(path))[0]
        label = unique('doc-' + github_slug(name))
        file_labels[rel] = label
        numbered = list(enumerate(doc_lines))
        body = transform(rel, numbered, 0, label)
        if not any(HEADING_RE.match(line) and not code for _, line, code in body):
            body.insert(0, (0, '# ' + name + ' {#' + label + '}', False))
        doc_pages.append(('%s.md' % label, label, rel, body))

    def fix_links(source, body):
        result = []
        for number, line, in_code in body:
            if in_code:
                result.append(line)
                continue

            def replace(match):
                image, text, target = match.group(1), match.group(2), match.group(3)
                if re.match(r'^[a-z]+:', target) or target.startswith('@ref'):
                    return match.group(0)
                if image:
                    # Doxygen finds images by name in IMAGE_PATH.
                    return '![%s](%s)' % (text, os.path.basename(target))
                path, _, anchor = target.partition('#')
                if path:
                    resolved = os.path.normpath(os.path.join(os.path.dirname(source), path))
                    if resolved in file_labels:
                        if anchor:
                            key = (resolved, anchor)
                            if key in labels:
                                return '[%s](@ref %s)' % (text, labels[key])
                            warnings.append('%s:%d: warning: link to unknown section #%s of %s'
                                            % (os.path.join(source_root, source), number + 1, anchor, resolved))
                            return text
                        return '[%s](@ref %s)' % (text, file_labels[resolved])
                    if not os.path.exists(os.path.join(source_root, resolved)):
                        warnings.append('%s:%d: warning: link to %s, which does not exist'
                                        % (os.path.join(source_root, source), number + 1, resolved))
                    # A file of the repository: its path, not a link that would break
                    # once the pages are installed.
                    return '%s (`%s`)' % (text, resolved) if text.strip('`') != resolved.rstrip('/') else '`%s`' % resolved
                key = (source, anchor)
                if key in labels:
                    return '[%s](@ref %s)' % (text, labels[key])
                warnings.append('%s:%d: warning: link to unknown section #%s'
                                % (os.path.join(source_root, source), number + 1, anchor))
                return text

            result.append(LINK_RE.sub(replace, line))
        return result

    def write(name, content_lines):
        path = os.path.join(out_dir, name)
        text = '\n'.join(content_lines).rstrip('\n') + '\n'
        old = None
        if os.path.exists(path):
            with open(path, encoding='utf-8') as handle:
                old = handle.read()
        if old != text:
            with open(path, 'w', encoding='utf-8') as handle:
                handle.write(text)

    index = fix_links(readme_rel, main_body)
    index += ['', '## Guides', '']
    for name, label, source, body in guide_pages + doc_pages:
        index.append('- \\subpage %s' % label)
    index += ['', '## API reference', '',
              '- @ref Stonyx::Sockets "C++ classes" (namespace Stonyx::Sockets, '
              '`#include <Stonyx/Sockets/...>`)',
              '- @ref qml-types "QML types" (`import Stonyx.Sockets`)',
              '- @ref threading "Threading model": the thread affinity of every class and QML type', '']
    write('index.md', index)
    expected = {'index.md'}
    for name, label, source, body in guide_pages + doc_pages:
        write(name, fix_links(source, body))
        expected.add(name)
    for stale in os.listdir(out_dir):
        if stale.endswith('.md') and stale not in expected:
            os.remove(os.path.join(out_dir, stale))

    with open(warnings_path, 'w', encoding='utf-8') as handle:
        handle.write(''.join(w + '\n' for w in warnings))
    for warning in warnings:
        print(warning, file=sys.stderr)


if __name__ == '__main__':
    main()
