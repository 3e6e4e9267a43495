// Bun imports .yaml files as parsed objects; what is inside is checked by the importer
// (see parseCatalog in catalog-parser.ts).
declare module '*.yaml' {
  const content: unknown;
  export default content;
}
