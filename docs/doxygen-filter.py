#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Doxygen INPUT_FILTER for the Stonyx Sockets headers (docs/Doxyfile.in).

Doxygen runs it on every input header and reads what it prints instead of the file.
Every output line stands for the input line of the same number, so the warnings
Doxygen prints point at the right line of the real header.

* Public C++ headers (src/lib): a Q_PROPERTY without a doc comment of its own gets the
  doc comment of its READ accessor, the way qdoc documents a property by its getter.
  Everything else passes through unchanged.

* QML headers (qml/): each class registered with QML_ELEMENT or QML_NAMED_ELEMENT
  becomes the QML type users see, in the namespace QML
  (left undocumented, so that the word QML in the text does not link to it) and
  in the group qml-types (docs/api/namespaces.dox): the class takes its QML name,
  Q_PROPERTY lines become properties with QML types (documented by their getters),
  signals stay (without the <property>Changed NOTIFY signals, which QML users get as
  on<Property>Changed), Q_INVOKABLE functions and public slots become methods, Q_ENUM
  enums stay. C++-only members (getters, setters, constructors, QQmlParserStatus and
  handler overrides) and classes that are not QML types are left out. qdoc's
  \\qmltype and \\inqmlmodule become an "Import statement" paragraph.
"""

import os
import re
import sys

QML_TYPES = {
    'QString': 'string', 'QUrl': 'url', 'QJSValue': 'var', 'QJsonValue': 'var',
    'QVariant': 'var', 'QJsonObject': 'object', 'QVariantMap': 'object',
    'QJsonArray': 'list', 'QVariantList': 'list', 'QStringList': 'list<string>',
    'double': 'real', 'qreal': 'real', 'float': 'real', 'qint64': 'real', 'quint64': 'real',
    'quint16': 'int', 'quint32': 'int', 'qint32': 'int', 'uint': 'int',
    'QDateTime': 'date', 'QObject': 'QtObject',
}

CLASS_RE = re.compile(r'^\s*(class|struct)\s+(?:\w+_EXPORT\s+)?(\w+)\b[^;]*$')
QML_NAME_RE = re.compile(r'\bQML_(NAMED_ELEMENT\((\w+)\)|ELEMENT\b)')
PROPERTY_RE = re.compile(r'^(\s*)Q_PROPERTY\((.*)\)\s*$')
ACCESS_RE = re.compile(r'^\s*(public|protected|private|Q_SIGNALS|signals|public\s+Q_SLOTS|public\s+slots'
                       r'|protected\s+Q_SLOTS|private\s+Q_SLOTS)\s*:\s*(//.*)?$')


def doc_comment_before(lines, index):
    """The doc comment (/*! */, /** */ or //! lines) ending right above lines[index],
    as (first line index, text), or None."""
    end = index - 1
    if end < 0:
        return None
    stripped = lines[end].strip()
    if stripped.endswith('*/'):
        start = end
        while start >= 0 and '/*' not in lines[start]:
            start -= 1
        if start < 0:
            return None
        head = lines[start].strip()
        if not (head.startswith('/*!') or head.startswith('/**')):
            return None
        text = '\n'.join(lines[start:end + 1]).strip()
        text = re.sub(r'^/\*[!*]<?', '', text)
        text = re.sub(r'\*/$', '', text)
        return start, text.strip()
    if stripped.startswith('//!') or stripped.startswith('///'):
        start = end
        while start - 1 >= 0 and re.match(r'\s*//[!/]', lines[start - 1]):
            start -= 1
        text = '\n'.join(re.sub(r'^\s*//[!/]<?', '', line) for line in lines[start:end + 1])
        return start, text.strip()
    return None


def one_line(text):
    """A doc comment's text on one line (the output must keep the line count)."""
    return ' '.join(part.strip() for part in text.splitlines() if part.strip()).replace('*/', '* /')


def parse_property(body):
    words = body.split()
    # The type may contain spaces inside template arguments; the name comes before READ/MEMBER.
    for i, word in enumerate(words):
        if word in ('READ', 'MEMBER'):
            type_name = ' '.join(words[:i - 1])
            name = words[i - 1]
            while name[:1] in ('*', '&'):
                type_name += name[0]
                name = name[1:]
            attributes = {}
            j = i
            while j < len(words):
                key = words[j]
                if key in ('READ', 'WRITE', 'NOTIFY', 'MEMBER', 'RESET', 'BINDABLE', 'REVISION'):
                    attributes[key] = words[j + 1] if j + 1 < len(words) else ''
                    j += 2
                else:
                    attributes[key] = True
                    j += 1
            return type_name, name, attributes
    return None


def find_getter_doc(lines, start, end, getter):
    pattern = re.compile(r'^\s*(?:Q_INVOKABLE\s+)?(?:virtual\s+)?[\w:<>,\s*&]*?[\s*&]' + re.escape(getter) + r'\s*\(')
    for i in range(start, end):
        if pattern.match(lines[i]) and 'Q_PROPERTY' not in lines[i]:
            found = doc_comment_before(lines, i)
            if found:
                return found[1]
    return None


def find_declarations(lines, start, end, function):
    pattern = re.compile(r'^\s*(?:Q_INVOKABLE\s+)?(?:virtual\s+)?[\w:<>,\s*&]*?[\s*&]' + re.escape(function) + r'\s*\(')
    return [i for i in range(start, end) if pattern.match(lines[i]) and 'Q_PROPERTY' not in lines[i]]


def qdoc_markup(lines):
    """qdoc's \\c{text with spaces} (braces may nest) as Doxygen's <tt>, and the product
    name "Stonyx Sockets" without a link to the namespace Sockets; line by line,
    outside code blocks."""
    result = []
    in_code = False
    pending_affinity = False
    lists = []
    for line in lines:
        if re.search(r'\\(code|qml)\b', line):
            in_code = True
        if re.search(r'\\end(code|qml)\b', line):
            in_code = False
            result.append(line)
            continue
        if in_code:
            result.append(line)
            continue
        # qdoc's lists.
        match = re.match(r'^(\s*)\\(list|endlist)\b\s*(\S*)\s*$', line)
        if match and match.group(2) == 'list':
            lists.append('ol' if match.group(3) in ('1', 'a', 'A', 'i', 'I') else 'ul')
            line = match.group(1) + '<' + lists[-1] + '>'
        elif match and lists:
            line = match.group(1) + '</' + lists.pop() + '>'
        line = re.sub(r'^(\s*)\\li\b\s*', r'\1<li>', line)
        # The product name: "Sockets" in it is not a link to the namespace.
        line = re.sub(r'\bStonyx Sockets\b', 'Stonyx %Sockets', line)
        # Each class's thread affinity also goes to the "Threading model" page
        # (\\threadaffinity is an \\xrefitem, Doxyfile.in), whether it is written
        # "Thread affinity: ..." or as a qdoc section followed by its paragraph.
        line = re.sub(r'^(\s*)Thread affinity:\s*', r'\1\\threadaffinity ', line)
        if result and re.match(r'^\s*\\section1\s+Thread affinity\s*$', result[-1]) or pending_affinity:
            if line.strip():
                line = re.sub(r'^(\s*)', r'\1\\threadaffinity ', line, count=1)
                pending_affinity = False
                if re.match(r'^\s*\\section1', result[-1]):
                    result[-1] = ''
            else:
                pending_affinity = True
                if re.match(r'^\s*\\section1', result[-1]):
                    result[-1] = ''
        out = ''
        i = 0
        while True:
            start = line.find('\\c{', i)
            if start < 0:
                out += line[i:]
                break
            depth = 0
            j = start + 2
            while j < len(line):
                depth += {'{': 1, '}': -1}.get(line[j], 0)
                if depth == 0:
                    break
                j += 1
            if depth != 0:
                out += line[i:]
                break
            out += line[i:start] + '<tt>' + line[start + 3:j] + '</tt>'
            i = j + 1
        result.append(out)
    return result


def class_end(lines, start):
    """The index of the line that closes the class whose head is lines[start]."""
    depth = 0
    opened = False
    for i in range(start, len(lines)):
        code = re.sub(r'//.*', '', lines[i])
        depth += code.count('{') - code.count('}')
        if '{' in code:
            opened = True
        if opened and depth <= 0:
            return i
    return len(lines) - 1


def filter_cpp(lines, path):
    out = list(lines)
    # qdoc's \\headerfile <Stonyx/Sockets/X> documents a header of free functions; in
    # Doxygen that is a page of its own (Doxygen's \\headerfile means something else).
    for i, line in enumerate(lines):
        match = re.match(r'^(\s*)\\headerfile\s+<([\w/]+)>\s*$', line)
        if match:
            header = match.group(2)
            out[i] = (match.group(1) + '\\page header-' + re.sub(r'\W', '-', header.lower()) + ' ' + header
                      + ' header')
    # A class documented with \\class in its own header gets the CamelCase header to
    # include (<Stonyx/Sockets/SocketServer>, installed by src/lib/CMakeLists.txt),
    # as the last paragraph of its description.
    base = os.path.splitext(os.path.basename(path))[0]
    for i, line in enumerate(lines):
        match = re.match(r'^\s*\\class\s+((?:\w+::)*)(\w+)\s*$', line)
        if not match or match.group(2).lower() != base:
            continue
        include = '/'.join(match.group(1).split('::')[:-1] + [match.group(2)])
        for j in range(i, len(lines)):
            if '*/' in lines[j]:
                # Indented like the comment's text, or Markdown would see a code block.
                indent = min((len(l) - len(l.lstrip()) for l in lines[i:j] if l.strip()), default=0)
                out[j] = lines[j].replace('*/', ' ' * indent + '<p><b>Header:</b> <tt>\\#include &lt;' + include
                                          + '&gt;</tt></p> */', 1)
                break
    i = 0
    while i < len(lines):
        match = CLASS_RE.match(lines[i])
        if match and not lines[i].rstrip().endswith(';'):
            end = class_end(lines, i)
            for j in range(i, end):
                prop = PROPERTY_RE.match(lines[j])
                if not prop or doc_comment_before(lines, j):
                    continue
                parsed = parse_property(prop.group(2))
                if not parsed or 'READ' not in parsed[2]:
                    continue
                getter = parsed[2]['READ']
                doc = find_getter_doc(lines, j + 1, end, getter)
                if doc:
                    out[j] = prop.group(1) + '/*! ' + one_line(doc) + ' */ ' + lines[j].strip()
                # The WRITE accessor is documented by its property, as in Qt's reference.
                setter = parsed[2].get('WRITE')
                if doc and setter:
                    for k in find_declarations(lines, j + 1, end, setter):
                        if not doc_comment_before(lines, k) and '/*' not in out[k]:
                            out[k] = re.sub(r'^(\s*)', r'\1/*! Sets the property ' + parsed[1] + ' (see '
                                            + getter + '()). */ ', out[k], count=1)
            i = end + 1
        else:
            i += 1
    return out


class QmlNames:
    """C++ class name -> QML type name, for every QML type of the module."""

    def __init__(self, directory):
        self.names = {}
        for entry in sorted(os.listdir(directory)):
            if entry.endswith('.h'):
                with open(os.path.join(directory, entry), encoding='utf-8') as handle:
                    self.scan(handle.read().splitlines())

    def scan(self, lines):
        current = None
        for line in lines:
            match = CLASS_RE.match(line)
            if match and not line.rstrip().endswith(';'):
                current = match.group(2)
            qml = QML_NAME_RE.search(line)
            if qml and current:
                self.names[current] = qml.group(2) or current


def qml_type(cpp, names, own_class):
    text = re.sub(r'\bconst\b', '', cpp)
    text = text.replace('&', ' ').replace('*', ' ')
    text = re.sub(r'\bStonyx::Sockets::', '', text)
    list_match = re.search(r'QQmlListProperty<\s*(\w+)\s*>', text)
    if list_match:
        return 'list<' + names.get(list_match.group(1), list_match.group(1)) + '>'
    text = ' '.join(text.split())
    scoped = re.match(r'^(\w+)::(\w+)$', text)
    if scoped:
        owner = names.get(scoped.group(1), scoped.group(1))
        return scoped.group(2) if scoped.group(1) == own_class else owner + '::' + scoped.group(2)
    if text in names:
        return names[text]
    return QML_TYPES.get(text, text)


def qml_signature(declaration, names, own_class):
    """'Q_INVOKABLE bool send(const QString &request, const QJSValue &data = QJSValue()) const;'
    -> 'bool send(string request, var data = undefined);'"""
    text = ' '.join(declaration.split())
    text = re.sub(r'\bQ_INVOKABLE\b|\bvirtual\b|\bexplicit\b', '', text).strip()
    match = re.match(r'^(.*?)\b(\w+)\s*\((.*)\)\s*(const)?\s*(override)?\s*;?\s*$', text)
    if not match:
        return None
    returns, name, params = match.group(1).strip(), match.group(2), match.group(3)
    converted = []
    depth = 0
    current = ''
    pieces = []
    for ch in params:
        if ch in '<(':
            depth += 1
        elif ch in '>)':
            depth -= 1
        if ch == ',' and depth == 0:
            pieces.append(current)
            current = ''
        else:
            current += ch
    if current.strip():
        pieces.append(current)
    for piece in pieces:
        default = None
        if '=' in piece:
            piece, default = piece.split('=', 1)
            default = default.strip()
            if re.match(r'^(QJSValue|QVariant|QJsonValue)\s*\(\s*\)$', default):
                default = 'undefined'
            elif re.match(r'^(QString|QUrl)\s*\(\s*\)$', default):
                default = '""'
        words = piece.replace('&', ' ').replace('*', ' ').split()
        param_name = words[-1]
        param_type = qml_type(' '.join(words[:-1]), names, own_class)
        converted.append(param_type + ' ' + param_name + (' = ' + default if default else ''))
    return qml_type(returns, names, own_class) + ' ' + name + '(' + ', '.join(converted) + ');'


def filter_qml(lines, names):
    out = [''] * len(lines)
    i = 0
    while i < len(lines):
        match = CLASS_RE.match(lines[i])
        if not match or lines[i].rstrip().endswith(';'):
            i += 1
            continue
        cpp_name = match.group(2)
        end = class_end(lines, i)
        if cpp_name not in names:
            i = end + 1
            continue
        emit_qml_class(lines, out, i, end, cpp_name, names)
        i = end + 1
    return out


def emit_qml_class(lines, out, head, end, cpp_name, names):
    qml_name = names[cpp_name]
    uncreatable = None
    properties = []
    notify = set()
    for j in range(head, end):
        creatable = re.search(r'QML_UNCREATABLE\("(.*)"\)', lines[j])
        if creatable:
            uncreatable = creatable.group(1)
        prop = PROPERTY_RE.match(lines[j])
        if prop:
            parsed = parse_property(prop.group(2))
            if parsed:
                properties.append((j, parsed))
                # Change signals are implied by the property (on<Name>Changed); other
                # NOTIFY signals (errorOccurred) are real signals of the type.
                if parsed[2].get('NOTIFY', '').endswith('Changed'):
                    notify.add(parsed[2]['NOTIFY'])

    # The class doc comment: qdoc's QML commands become an import statement.
    doc = doc_comment_before(lines, head)
    if doc:
        for j in range(doc[0], head):
            line = lines[j]
            line = re.sub(r'\\qmltype\s+\w+', r'\\par Import statement', line)
            replacement = '<tt>import %\\1</tt>'
            if uncreatable:
                replacement += ' \\n This type cannot be created in QML: ' + uncreatable.replace('\\', '\\\\') + '.'
            line = re.sub(r'\\inqmlmodule\s+([\w.]+)', replacement, line)
            out[j] = line
        # Indented like the comment's text, or Markdown would see a code block.
        indent = min((len(l) - len(l.lstrip()) for l in lines[doc[0] + 1:head - 1] if l.strip()), default=0)
        out[head - 1] = out[head - 1].replace('*/', ' ' * indent + '\\ingroup qml-types */')
        out[doc[0]] = 'namespace QML { ' + out[doc[0]]
    else:
        out[head] = 'namespace QML { '
    out[head] += 'class ' + qml_name + (' {' if '{' in lines[head] else '')
    out[end] = '}; }'

    for j, (type_name, name, attributes) in properties:
        prop_doc = find_getter_doc(lines, j + 1, end, attributes.get('READ', ''))
        words = ['Q_PROPERTY(' + qml_type(type_name, names, cpp_name), name, 'READ', attributes.get('READ', name)]
        if 'WRITE' in attributes:
            words += ['WRITE', attributes['WRITE']]
        line = ' '.join(words) + ')'
        if prop_doc:
            readonly = '' if 'WRITE' in attributes or 'MEMBER' in attributes else ' This property is read-only.'
            line = '/*! ' + one_line(prop_doc) + readonly + ' */ ' + line
        out[j] = '    ' + line

    section = 'private'
    j = head + 1
    while j < end:
        line = lines[j]
        stripped = line.strip()
        access = ACCESS_RE.match(line)
        if access:
            kind = access.group(1)
            section = ('signals' if kind in ('Q_SIGNALS', 'signals')
                       else 'slots' if 'slots' in kind.lower() and kind.startswith('public')
                       else kind.split()[0])
            out[j] = {'signals': 'signals:', 'slots': 'public:', 'public': 'public:'}.get(section, '')
            j += 1
            continue
        if stripped == '{':
            out[j] = '{'
            j += 1
            continue
        if stripped.startswith('/*'):
            while j < end and '*/' not in lines[j]:
                j += 1
            j += 1
            continue
        if not stripped or stripped.startswith('//') or stripped.startswith('/*') or stripped.startswith('*') \
                or stripped.startswith('Q_') and not stripped.startswith('Q_INVOKABLE') \
                or stripped.startswith('QML_') or stripped.startswith('friend') or stripped.startswith('using'):
            j += 1
            continue
        # A declaration: up to ';' (or a whole enum / inline body).
        first = j
        if re.match(r'^\s*enum\b', line):
            while j < end and '};' not in lines[j]:
                j += 1
            last = j
            if section == 'public':
                doc = doc_comment_before(lines, first)
                if doc:
                    for k in range(doc[0], first):
                        out[k] = lines[k]
                for k in range(first, last + 1):
                    # Values as QML shows them: without their C++ initializers.
                    out[k] = re.sub(r'^(\s*\w+)\s*=\s*[^,/]+', r'\1', lines[k])
                    out[k] = re.sub(r'^(\s*)enum\s+class\b', r'\1enum', out[k])
            j = last + 1
            continue
        text = ''
        depth = 0
        while j < end:
            code = re.sub(r'//.*', '', lines[j])
            text += ' ' + code
            depth += code.count('{') - code.count('}')
            if depth <= 0 and (code.rstrip().endswith(';') or code.rstrip().endswith('}')):
                break
            j += 1
        last = j
        j += 1
        name_match = re.search(r'(\w+)\s*\(', text)
        keep = False
        if name_match and '~' not in text and name_match.group(1) != cpp_name:
            if section == 'signals':
                keep = name_match.group(1) not in notify
            elif section == 'slots' or (section == 'public' and 'Q_INVOKABLE' in text):
                keep = True
        if not keep:
            continue
        signature = qml_signature(re.sub(r'\{.*\}', ';', text), names, cpp_name)
        if not signature:
            continue
        doc = doc_comment_before(lines, first)
        if doc:
            for k in range(doc[0], first):
                out[k] = lines[k]
        out[first] = '    ' + signature


def main():
    path = sys.argv[1]
    with open(path, encoding='utf-8') as handle:
        lines = qdoc_markup(handle.read().split('\n'))
    if os.path.basename(os.path.dirname(os.path.abspath(path))) == 'qml':
        names = QmlNames(os.path.dirname(os.path.abspath(path))).names
        lines = filter_qml(lines, names)
    else:
        lines = filter_cpp(lines, path)
    sys.stdout.write('\n'.join(lines))


if __name__ == '__main__':
    main()
