/**
 * Writes an imported plan as YAML (what `opdeploy import` saves): the same data as the raw plan,
 * with a comment giving the source line of each section, phase and service, and the importer's
 * notes in the header, so the YAML file can be compared with the document it came from.
 */
import { Document, isMap, isScalar, isSeq } from "yaml";

export interface EmitOptions {
  file: string;
  locate(path: (string | number)[]): { line: number };
  /** Formatted import notes ("line 19: ..."), listed in the header. */
  notes: string[];
  /** Extra comments keyed by top-level field (e.g. "budget"). */
  comments?: Record<string, string>;
}

export function emitYaml(raw: Record<string, unknown>, options: EmitOptions): string {
  const { file, locate } = options;
  const from = (path: (string | number)[]) => ` from ${file}:${locate(path).line}`;
  const doc = new Document(raw);

  const header = [` Imported from ${file} (Markdown plan).`];
  if (options.notes.length > 0) {
    header.push(` ${options.notes.length} import note(s): what was not used or was read with an assumption.`);
    for (const n of options.notes) header.push(`   ${n.replace(/\r?\n/g, " ")}`);
  }
  doc.commentBefore = header.join("\n");

  if (isMap(doc.contents)) {
    for (const pair of doc.contents.items) {
      if (!isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      if (key === "name" || key === "description") continue;
      const extra = options.comments?.[key];
      pair.key.commentBefore = extra ? `${from([key])}\n ${extra}` : from([key]);
    }
  }

  const phases = doc.get("phases", true);
  if (isSeq(phases)) {
    phases.items.forEach((item, i) => {
      if (!isMap(item)) return;
      item.commentBefore = from(["phases", i]);
      const services = item.get("services", true);
      if (isSeq(services)) services.flow = true;
      const batches = item.get("batches", true);
      if (isSeq(batches)) {
        batches.items.forEach((batch) => {
          if (isMap(batch)) batch.flow = true;
        });
      }
      for (const key of ["gate", "declared"]) {
        const node = item.get(key, true);
        if (isMap(node)) node.flow = true;
      }
    });
  }

  const services = doc.get("services", true);
  if (isMap(services)) {
    for (const pair of services.items) {
      if (!isScalar(pair.key)) continue;
      pair.key.commentBefore = from(["services", String(pair.key.value)]);
      if (isMap(pair.value)) pair.value.flow = true;
    }
  }
  for (const key of ["budget", "rollback"]) {
    const node = doc.get(key, true);
    if (isMap(node)) node.flow = true;
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
