// Where the cursor is in a journey's YAML, read from the lines above it rather than from a parse: the text is
// usually half-typed and invalid while the user asks for completion, and block YAML's indentation alone says which
// mapping key or list item a position belongs to. Flow collections ({ ... } and [ ... ]) are not followed.

// A line's openers: the "- " list markers and the "key:" that start nodes, with the column each starts at.
// Returns null for blank and comment-only lines, which never open anything.
export function openers(line) {
  const result = [];
  let i = 0;
  while (i < line.length && line[i] === " ") i++;
  if (i === line.length || line[i] === "#") return null;
  while (line[i] === "-" && (i + 1 === line.length || line[i + 1] === " ")) {
    result.push({ kind: "item", column: i });
    i++;
    while (i < line.length && line[i] === " ") i++;
  }
  const key = /^([A-Za-z_][A-Za-z0-9_-]*)\s*:(\s|$)/.exec(line.slice(i));
  if (key) {
    const rest = line.slice(i + key[0].length).replace(/\s+#.*$/, "").trim();
    // Only a key whose value is on the following lines can be the parent of what comes below it.
    result.push({ kind: "key", column: i, name: key[1], opens: rest === "" || rest === "|" || rest === ">" });
  } else if (i < line.length) {
    result.push({ kind: "scalar", column: i });
  }
  return result;
}

// The path from the document's root to a node starting at `column` on line `lineIndex` (0-based), as a list of
// key names and "[]" for list items, read from the lines above it. `before` are the openers written on the node's
// own line before it (its "- " markers), which are its nearest parents.
export function pathAt(lines, lineIndex, column, before = []) {
  const path = [];
  let target = { column, item: false };
  const climb = (opener) => {
    const parent = opener.kind === "item"
      ? opener.column < target.column
      // A key is a parent of what is indented under it, and of a list written at its own indentation.
      : opener.kind === "key" && opener.opens && (opener.column < target.column || (target.item && opener.column === target.column));
    if (!parent) return false;
    path.unshift(opener.kind === "item" ? "[]" : opener.name);
    target = { column: opener.column, item: opener.kind === "item" };
    return true;
  };
  for (let i = before.length - 1; i >= 0; i--) climb(before[i]);
  for (let n = lineIndex - 1; n >= 0 && (target.column > 0 || target.item); n--) {
    const found = openers(lines[n]);
    if (!found) continue;
    for (let i = found.length - 1; i >= 0; i--) climb(found[i]);
  }
  return path;
}

// What the cursor is completing on its line: a node (a key, or a list item such as an id in a list of ids) or a
// key's value. Null otherwise.
export function completionSite(lineText, cursorColumn) {
  const head = lineText.slice(0, cursorColumn);
  const key = /^((?:\s*- )*)(\s*)([A-Za-z_][A-Za-z0-9_-]*)?$/.exec(head);
  if (key) {
    const word = key[3] || "";
    const start = cursorColumn - word.length;
    const before = openers(head.slice(0, start) + "x") || [];
    return { kind: "key", column: start, from: start, before: before.filter((o) => o.kind === "item") };
  }
  const value = /^((?:\s*- )*)(\s*)([A-Za-z_][A-Za-z0-9_-]*)\s*:\s+(?:"|')?([^"'#,{}[\]]*)$/.exec(head);
  if (value) {
    const keyColumn = value[1].length + value[2].length;
    const before = openers(head.slice(0, keyColumn) + "x") || [];
    return {
      kind: "value",
      key: value[3],
      column: keyColumn,
      from: cursorColumn - value[4].length,
      before: before.filter((o) => o.kind === "item"),
    };
  }
  return null;
}
