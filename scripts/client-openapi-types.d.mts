// Types of scripts/client-openapi-types.mjs, for the test that checks the committed file.
export declare const CLIENT_TYPES_FILE: URL;
export declare function clientOpenApiTypes(raw: string): Promise<string>;
