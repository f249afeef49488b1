import { z } from 'zod';

// Producers read these messages in 400 answers: a missing field should say
// "is required", not "expected string, received undefined".
z.config({
  customError: (issue) => (issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : undefined),
});
