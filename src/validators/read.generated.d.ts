// The validators scripts/validators/build.mjs generates from the zod schemas (read.generated.js).
// Each checks a parsed value in place, filling the schema's defaults, and says whether it holds.

export interface GeneratedValidator {
  (data: unknown): boolean;
  errors?: Array<{ instancePath: string; message?: string }> | null;
}

export declare const validateThreadMeta: GeneratedValidator;
export declare const validateWorkspaceConfig: GeneratedValidator;
export declare const validateIndexRow: GeneratedValidator;
export declare const validateShownRecord: GeneratedValidator;
export declare const validateAuditEntry: GeneratedValidator;
export declare const validateGraphFile: GeneratedValidator;
export declare const validateSkillFrontMatter: GeneratedValidator;
export declare const validateStageSkillMetadata: GeneratedValidator;
export declare const validateActionSkillMetadata: GeneratedValidator;
export declare const validateMetricsRows: GeneratedValidator;
export declare const validateMeasurementRows: GeneratedValidator;
