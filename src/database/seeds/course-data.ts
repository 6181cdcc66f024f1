import type { CourseDto } from '../../modules/training/dto/training.dto';

/** The code of the 40-hour course; the demo program runs cohorts of it. */
export const PEER_SUPPORT_COURSE_CODE = 'PS-40-COURSE';

/** A Perinatal Training Hub course: a short course of one module whose hours count as general CE. */
function hubCourse(code: string, title: string, hours: number, about: string): CourseDto {
  return {
    code,
    title: `Perinatal Training Hub: ${title}`,
    description: `${about}; its ${hours} hours count as continuing education once completed.`,
    requiredHours: hours,
    examPassMark: null,
    examMaxAttempts: null,
    awardsCredentialTypeCode: null,
    ceCategory: 'general',
    modules: [{ title, hours, required: true }],
  };
}

/**
 * The courses the program starts with (shared/DOMAIN.md, "Training"). Applied once each by the
 * catalogue seed after the credential types, so the 40-hour course can name the PS-40 credential it
 * awards. Only internal credential types can be awarded by a course: Mental Health First Aid (MHFA)
 * is certified by the National Council, so the hub's MHFA course awards nothing here.
 */
export const COURSE_SEEDS: CourseDto[] = [
  {
    code: PEER_SUPPORT_COURSE_CODE,
    title: '40-hour Peer Support Course',
    description:
      'The foundation course for peer supporters in Montana. Completing it (40 hours attended, the Ethics and Boundaries and the crisis and suicide awareness modules attended in full, and the exam passed) awards the PS-40 credential, one of the requirements of the Peer Support Specialist role.',
    requiredHours: 40,
    examPassMark: 80,
    examMaxAttempts: 3,
    awardsCredentialTypeCode: 'PS-40',
    ceCategory: null,
    // In teaching order; five 8-hour days take them two by two (the demo cohorts are scheduled so).
    modules: [
      { title: 'The role of the peer supporter and recovery-oriented practice', hours: 4, required: false },
      { title: 'Communication and active listening', hours: 4, required: false },
      { title: 'Ethics and Boundaries', hours: 6, required: true },
      { title: 'Documentation and confidentiality (HIPAA, 42 CFR Part 2)', hours: 2, required: false },
      { title: 'Sharing your recovery story with purpose', hours: 3, required: false },
      { title: 'Trauma-informed approaches', hours: 5, required: false },
      { title: 'Crisis response, suicide awareness and safety planning', hours: 6, required: true },
      { title: 'Co-occurring conditions, harm reduction and naloxone', hours: 2, required: false },
      { title: 'Cultural humility: American Indian communities and rural Montana', hours: 4, required: false },
      { title: 'Wellness planning, self-care and using supervision', hours: 4, required: false },
    ],
  },
  hubCourse(
    'PTH-COMMS',
    'Communication with families',
    2,
    'Clear, respectful communication with pregnant and parenting people and their families',
  ),
  hubCourse(
    'PTH-FAMILY-CONFLICT',
    'Family conflict',
    2,
    'Recognising family conflict and supporting a parent through it safely',
  ),
  hubCourse(
    'PTH-TRAUMA',
    'Trauma-informed care',
    3,
    'The principles of trauma-informed care applied to perinatal support',
  ),
  hubCourse(
    'PTH-ACES',
    'Adverse Childhood Experiences (ACEs)',
    2,
    'What ACEs are, how they shape health across a lifetime, and what builds resilience',
  ),
  hubCourse(
    'PTH-DV',
    'Domestic violence',
    3,
    'Recognising domestic violence, safety planning and referral during pregnancy and after birth',
  ),
  hubCourse(
    'PTH-MHFA',
    'Mental Health First Aid',
    8,
    'The Mental Health First Aid course (the MHFA certificate itself comes from the National Council for Mental Wellbeing and is recorded as an external credential)',
  ),
  hubCourse(
    'PTH-ESC',
    'Eat, Sleep, Console',
    2,
    'Supporting families of newborns with neonatal opioid withdrawal using the Eat, Sleep, Console approach',
  ),
  hubCourse(
    'PTH-DEESCALATION',
    'De-escalation',
    3,
    'Calming a tense situation with words, posture and space before it becomes a crisis',
  ),
  hubCourse(
    'PTH-CRITICAL-INCIDENT',
    'Critical incident desensitization',
    2,
    'Ways to process a critical incident at work so that its stress does not build up',
  ),
  hubCourse(
    'PTH-CHILD-DEV',
    'Child development',
    2,
    'Milestones from birth to age five and when to suggest a developmental screening',
  ),
  hubCourse(
    'PTH-PEDS-OVERDOSE',
    'Pediatric overdose',
    1.5,
    'Preventing, recognising and responding to accidental overdose in children, including naloxone',
  ),
  hubCourse(
    'PTH-SUBSTANCE-USE',
    'Substance use studies',
    3,
    'Current research on substance use in pregnancy and the postpartum period',
  ),
  hubCourse(
    'PTH-STROKE',
    'Stroke recognition',
    1.5,
    'Recognising the signs of a stroke, including postpartum stroke, and calling for help fast',
  ),
  hubCourse(
    'PTH-SDOH',
    'Community resources for social determinants of health',
    2,
    'Connecting families with local help for housing, food, transport and income',
  ),
  hubCourse(
    'PTH-PCMH',
    'Patient-centered medical home',
    1.5,
    'How a patient-centered medical home coordinates care and where a peer supporter fits in it',
  ),
  hubCourse(
    'PTH-MI',
    'Motivational interviewing',
    4,
    'The spirit and core skills of motivational interviewing for conversations about change',
  ),
];
